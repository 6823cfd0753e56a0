// Runs an exported symnas ONNX model in onnxruntime-node and compares its logits with libtorch's.
// Usage: node check_onnxruntime.cjs MODEL.onnx INPUT.f32 N,C,H,W LOGITS.f32 (NODE_PATH: the
// node_modules of tools/onnxruntime). Exit 0 when max |logits - expected| <= 1e-4.
const fs = require("fs");
const ort = require("onnxruntime-node");

function floats(path) {
  const b = fs.readFileSync(path);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
}

async function main() {
  const [model, inputPath, shape, logitsPath] = process.argv.slice(2);
  const dims = shape.split(",").map(Number);
  const session = await ort.InferenceSession.create(model);
  const out = await session.run({ input: new ort.Tensor("float32", floats(inputPath), dims) });
  const got = out.logits.data;
  const want = floats(logitsPath);
  if (got.length !== want.length) throw new Error(`${got.length} logits, expected ${want.length}`);
  let diff = 0;
  for (let i = 0; i < got.length; ++i) diff = Math.max(diff, Math.abs(got[i] - want[i]));
  console.log(`onnxruntime-node ${require("onnxruntime-node/package.json").version}: max abs diff ${diff.toExponential(2)}`);
  process.exit(diff <= 1e-4 ? 0 : 1);
}

main().catch((e) => {
  console.error(`onnxruntime-node: ${e.message}`);
  process.exit(2);
});
