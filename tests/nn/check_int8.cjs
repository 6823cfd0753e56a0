// Compares an int8 (QDQ) ONNX model with its fp32 original in onnxruntime-node on labelled images.
// Usage: node check_int8.cjs FP32.onnx INT8.onnx INPUT.f32 N,C,H,W LABELS.i64 MAX_POINTS
//        [MIN_AGREEMENT] (NODE_PATH: the node_modules of tools/onnxruntime)
// Prints both accuracies, the share of images with the same predicted class and the largest logit
// difference; exit 0 when |accuracy difference| <= MAX_POINTS (percentage points) and the
// agreement >= MIN_AGREEMENT (a fraction, default 0).
const fs = require("fs");
const ort = require("onnxruntime-node");

function bytes(path) {
  const b = fs.readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.length);
}

function argmax(row) {
  let best = 0;
  for (let j = 1; j < row.length; ++j) if (row[j] > row[best]) best = j;
  return best;
}

async function logits(model, input, dims) {
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ input: new ort.Tensor("float32", input, dims) });
  return out.logits;
}

async function main() {
  const [fp32, int8, inputPath, shape, labelsPath, maxPoints, minAgreement] = process.argv.slice(2);
  const dims = shape.split(",").map(Number);
  const input = new Float32Array(bytes(inputPath));
  const labels = Array.from(new BigInt64Array(bytes(labelsPath)), Number);
  const a = await logits(fp32, input, dims);
  const b = await logits(int8, input, dims);
  const [n, classes] = a.dims;
  let rightA = 0, rightB = 0, same = 0, diff = 0;
  for (let i = 0; i < n; ++i) {
    const ra = a.data.subarray(i * classes, (i + 1) * classes);
    const rb = b.data.subarray(i * classes, (i + 1) * classes);
    for (let j = 0; j < classes; ++j) diff = Math.max(diff, Math.abs(ra[j] - rb[j]));
    const pa = argmax(ra), pb = argmax(rb);
    rightA += pa === labels[i];
    rightB += pb === labels[i];
    same += pa === pb;
  }
  const accA = (100 * rightA) / n, accB = (100 * rightB) / n, agreement = same / n;
  console.log(`onnxruntime-node ${require("onnxruntime-node/package.json").version}, ${n} images: ` +
              `fp32 accuracy ${accA.toFixed(2)} %, int8 ${accB.toFixed(2)} % ` +
              `(difference ${Math.abs(accA - accB).toFixed(2)} points), same class ` +
              `${(100 * agreement).toFixed(2)} %, max |logit difference| ${diff.toExponential(2)}`);
  const ok = Math.abs(accA - accB) <= Number(maxPoints) && agreement >= Number(minAgreement || 0);
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(`onnxruntime-node: ${e.message}`);
  process.exit(2);
});
