// Runs an ONNX model exported by `symnas export-model` in onnxruntime-node on images from a .npy
// file (float32 N x C x H x W, pixels / 255, C order) and prints the predicted classes; with a
// labels .npy (integer N) also the accuracy.
// Usage: node tools/onnxruntime/predict.cjs MODEL.onnx IMAGES.npy [LABELS.npy]
const fs = require("fs");
const path = require("path");
const ort = require(path.join(__dirname, "node_modules", "onnxruntime-node"));

// A C-order .npy array: {descr, shape, data (a typed array view)}.
function readNpy(file) {
  const b = fs.readFileSync(file);
  if (b.toString("latin1", 1, 6) !== "NUMPY") throw new Error(`${file}: not a .npy file`);
  const major = b[6];
  const len = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = b.toString("latin1", start, start + len);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(",").filter((s) => s.trim()).map(Number);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order`);
  const body = b.subarray(start + len);
  const copy = body.buffer.slice(body.byteOffset, body.byteOffset + body.length);
  const types = { "<f4": Float32Array, "<i8": BigInt64Array, "<i4": Int32Array, "|u1": Uint8Array };
  if (!types[descr]) throw new Error(`${file}: dtype ${descr} unsupported here`);
  return { descr, shape, data: new types[descr](copy) };
}

async function main() {
  const [model, imagesFile, labelsFile] = process.argv.slice(2);
  const images = readNpy(imagesFile);
  if (images.descr !== "<f4" || images.shape.length !== 4) {
    throw new Error(`${imagesFile}: need float32 N x C x H x W, got ${images.descr} (${images.shape})`);
  }
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ input: new ort.Tensor("float32", images.data, images.shape) });
  const [n, classes] = out.logits.dims;
  const predicted = [];
  for (let i = 0; i < n; ++i) {
    const row = out.logits.data.subarray(i * classes, (i + 1) * classes);
    predicted.push(row.indexOf(Math.max(...row)));
  }
  console.log(`${n} images, predicted classes: ${predicted.slice(0, 20).join(" ")}${n > 20 ? " ..." : ""}`);
  if (labelsFile) {
    const labels = Array.from(readNpy(labelsFile).data, Number);
    const right = predicted.filter((p, i) => p === labels[i]).length;
    console.log(`accuracy ${(100 * right / n).toFixed(2)} % (${right}/${n}) in onnxruntime-node`);
  }
}

main().catch((e) => {
  console.error(`predict: ${e.message}`);
  process.exit(1);
});
