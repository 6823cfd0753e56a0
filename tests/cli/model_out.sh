#!/usr/bin/env bash
# Data in, model out through the CLI (issue 13), on a generated 3-class image folder:
#  - a 2-trial cnn search keeps the best trial's weights (keep_weights: 1);
#  - export-model --trial best uses them; a trial without kept weights is retrained with its seed,
#    and the retrained network equals the one a keep_weights: all study kept (same ONNX bytes);
#  - the ONNX runs in onnxruntime-node (tools/onnxruntime/predict.cjs), the TorchScript file in
#    torch.jit.load (each skipped, saying so, when not installed);
#  - the int8 (QDQ) ONNX is at most 0.3 x the fp32 file and its test accuracy in onnxruntime-node
#    is within 0.5 points of the fp32 model's (210 test images) and equal to the int8 accuracy
#    export-model prints (symnas's simulation);
#  - train --save + export-model --weights; bad input (unknown trial, both --study and --weights,
#    bad keep_weights, a non-boolean int8, an int8 objective without int8: true) is refused
#    naming what to fix.
# Usage: model_out.sh SYMNAS_FULL_BINARY SOURCE_DIR
set -euo pipefail
symnas=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*"
  exit 1
}
cd "$tmp"
# 350 images per class: 1 in 5 (210) held out as the test set, so that one image is < 0.5 points.
/usr/bin/python3 "$src/scripts/make_demo_images.py" img 350 >/dev/null
study_config() {  # NAME KEEP
  cat <<EOF
name: $1
trials: 2
seed: 3
strategy: random
objective: {kind: constrained, maximise: accuracy, constraints: {flops: 5.0e+7}}
evaluator: {kind: cnn, dataset: image_folder, dir: img, image_size: [28, 28], channels: 3,
            validation_size: 12, epochs: 1, threads: 1, keep_weights: $2}
space: seed000
EOF
}
study_config kept1 1 > kept1.yaml
study_config keptall all > keptall.yaml
"$symnas" search --config kept1.yaml --study kept1.db --quiet > search1.log 2>&1 ||
  { cat search1.log; fail "search"; }
"$symnas" search --config keptall.yaml --study keptall.db --quiet > search2.log 2>&1 ||
  { cat search2.log; fail "search (keep_weights: all)"; }
kept=$(sqlite3 kept1.db "SELECT count(*) FROM weights")
all=$(sqlite3 keptall.db "SELECT count(*) FROM weights")
complete=$(sqlite3 keptall.db "SELECT count(*) FROM trials WHERE status = 'complete'")
[ "$kept" = 1 ] || fail "keep_weights: 1 kept $kept weights"
[ "$all" = "$complete" ] || fail "keep_weights: all kept $all weights of $complete trials"

"$symnas" export-model --study kept1.db --trial best --format onnx --out best.onnx > best.log
grep -q "stored weights" best.log || { cat best.log; fail "best trial not from stored weights"; }
grep -q "params .*(as symnas cost)" best.log || fail "no params line"
# A complete trial whose weights were not kept: retrained, equal to the kept one of the other
# study (same config, seed and params).
other=$(sqlite3 kept1.db "SELECT id FROM trials WHERE status = 'complete' AND id NOT IN \
  (SELECT trial_id FROM weights) ORDER BY id LIMIT 1")
if [ -n "$other" ]; then
  "$symnas" export-model --study kept1.db --trial "$other" --format onnx --out re.onnx > re.log
  grep -q "retraining it with its seed" re.log || { cat re.log; fail "trial $other not retrained"; }
  "$symnas" export-model --study keptall.db --trial "$other" --format onnx --out kept.onnx >/dev/null
  cmp -s re.onnx kept.onnx || fail "retrained trial $other differs from the kept one"
  echo "trial $other: retrained network equals the kept one ($(stat -c %s re.onnx) bytes)"
else
  echo "note: both trials' weights kept or failed; retraining path not exercised"
fi

if [ -d "$src/tools/onnxruntime/node_modules/onnxruntime-node" ] && command -v node >/dev/null; then
  node "$src/tools/onnxruntime/predict.cjs" best.onnx img/test_nchw.npy img/test_labels.npy \
    > ort.log || { cat ort.log; fail "onnxruntime-node"; }
  grep -q "^accuracy .* in onnxruntime-node" ort.log || { cat ort.log; fail "no accuracy"; }
  cat ort.log
  "$symnas" export-model --study kept1.db --format onnx-int8 --out best.int8.onnx > int8.log
  grep -q "int8 QDQ" int8.log || { cat int8.log; fail "no int8 export"; }
  fp32_bytes=$(stat -c %s best.onnx)
  int8_bytes=$(stat -c %s best.int8.onnx)
  [ $((int8_bytes * 10)) -le $((fp32_bytes * 3)) ] ||
    fail "int8 file $int8_bytes bytes is more than 0.3 x the fp32 file's $fp32_bytes"
  /usr/bin/python3 -c 'import numpy as np; x = np.load("img/test_nchw.npy"); \
    x.astype(np.float32).tofile("test.f32"); np.load("img/test_labels.npy").astype(np.int64).tofile("test.i64"); \
    print(",".join(map(str, x.shape)))' > shape
  NODE_PATH="$src/tools/onnxruntime/node_modules" node "$src/tests/nn/check_int8.cjs" best.onnx \
    best.int8.onnx test.f32 "$(cat shape)" test.i64 0.5 || fail "int8 accuracy not within 0.5 points"
  echo "int8: $int8_bytes bytes, fp32: $fp32_bytes bytes"
  # symnas's own int8 accuracy (the QDQ graph simulated in libtorch) is onnxruntime's.
  sym=$(sed -n 's/^int8 accuracy *\([0-9.]*\) %.*/\1/p' int8.log)
  node "$src/tools/onnxruntime/predict.cjs" best.int8.onnx img/test_nchw.npy img/test_labels.npy \
    > ort8.log || { cat ort8.log; fail "onnxruntime-node (int8)"; }
  ort=$(sed -n 's/^accuracy \([0-9.]*\) %.*/\1/p' ort8.log)
  [ -n "$sym" ] && [ "$sym" = "$ort" ] || { cat int8.log ort8.log; fail "int8 accuracy $sym != $ort"; }
  echo "int8 test accuracy: symnas $sym %, onnxruntime-node $ort %"
else
  echo "skip: onnxruntime-node not installed (scripts/setup.sh)"
fi

"$symnas" export-model --study kept1.db --format torchscript --out best.pt > ts.log
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  /usr/bin/python3 - <<'EOF' || fail "torch.jit.load"
import numpy as np, torch
m = torch.jit.load("best.pt")
x = torch.from_numpy(np.load("img/test_nchw.npy"))
y = m(x)
assert y.shape == (x.shape[0], 3), y.shape
print(f"torch.jit.load: logits {tuple(y.shape)}")
EOF
else
  echo "skip: python3-torch not installed"
fi

cat > arch.json <<'EOF'
{"input": {"channels": 3, "height": 28, "width": 28}, "classes": 3,
 "blocks": [{"filters": 4, "kernel_size": 3, "convs": 1, "activation": "relu",
             "batch_norm": true, "pool": "max", "dropout": 0.1}],
 "dense": [{"units": 8, "activation": "elu", "dropout": 0.0}],
 "training": {"epochs": 1, "batch_size": 16}}
EOF
"$symnas" train --arch arch.json --dataset image_folder --data-dir img --image-size 28 28 \
  --channels 3 --val-size 12 --threads 1 --save m.symnas > train.log ||
  { cat train.log; fail "train --save"; }
"$symnas" export-model --weights m.symnas --format onnx --out m.onnx > w.log
grep -q "classes: bars, rings, squares" w.log || { cat w.log; fail "class names not kept"; }

expect_error() {  # PATTERN COMMAND...
  local pattern=$1
  shift
  if "$@" > err.log 2>&1; then fail "accepted: $*"; fi
  grep -q "$pattern" err.log || { cat err.log; fail "message of '$*' lacks '$pattern'"; }
}
expect_error "has no completed trial 99" \
  "$symnas" export-model --study kept1.db --trial 99 --format onnx --out x.onnx
expect_error "exactly one of --study" \
  "$symnas" export-model --study kept1.db --weights m.symnas --format onnx --out x.onnx
expect_error "onnx-int8" "$symnas" export-model --weights m.symnas --format tflite --out x
study_config bad often > bad.yaml
expect_error "keep_weights" "$symnas" search --config bad.yaml --study bad.db --quiet
study_config badint8 "1, int8: maybe" > badint8.yaml
expect_error "evaluator 'cnn': option 'int8' must be true or false (like false), got \"maybe\" at badint8.yaml:" \
  "$symnas" search --config badint8.yaml --study bad.db --quiet
study_config noint8 1 | sed 's/maximise: accuracy/maximise: int8_accuracy/' > noint8.yaml
expect_error "uses 'int8_accuracy'.*int8: true.* at noint8.yaml:" \
  "$symnas" search --config noint8.yaml --study bad.db --quiet
echo "model out: ok"
