// Runs an exported symnas ONNX model in onnxruntime-node and compares its logits with expected
// ones (libtorch's, or symnas's int8 simulation). Usage: node check_onnxruntime.cjs MODEL.onnx
// INPUT.f32 N,C,H,W LOGITS.f32 [MAX_DIFF [MIN_SAME_CLASS]] (NODE_PATH: the node_modules of
// tools/onnxruntime). Prints the max |logits - expected| and the share of images with the same
// predicted class; exit 0 when the difference <= MAX_DIFF (default 1e-4) and the share >=
// MIN_SAME_CLASS (a fraction, default 0).
const fs = require("fs");
const ort = require("onnxruntime-node");

function floats(path) {
  const b = fs.readFileSync(path);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
}

function argmax(row) {
  let best = 0;
  for (let j = 1; j < row.length; ++j) if (row[j] > row[best]) best = j;
  return best;
}

async function main() {
  const [model, inputPath, shape, logitsPath, maxDiff, minSame] = process.argv.slice(2);
  const dims = shape.split(",").map(Number);
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ input: new ort.Tensor("float32", floats(inputPath), dims) });
  const got = out.logits.data;
  const want = floats(logitsPath);
  if (got.length !== want.length) throw new Error(`${got.length} logits, expected ${want.length}`);
  let diff = 0;
  for (let i = 0; i < got.length; ++i) diff = Math.max(diff, Math.abs(got[i] - want[i]));
  const [n, classes] = out.logits.dims;
  let same = 0;
  for (let i = 0; i < n; ++i) {
    const a = got.subarray(i * classes, (i + 1) * classes);
    const b = want.subarray(i * classes, (i + 1) * classes);
    same += argmax(a) === argmax(b);
  }
  console.log(`onnxruntime-node ${require("onnxruntime-node/package.json").version}: max abs diff ` +
              `${diff.toExponential(2)}, same class ${same}/${n}`);
  const ok = diff <= Number(maxDiff || 1e-4) && same / n >= Number(minSame || 0);
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(`onnxruntime-node: ${e.message}`);
  process.exit(2);
});
