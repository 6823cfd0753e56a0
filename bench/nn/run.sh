#!/usr/bin/env bash
# Training throughput, symnas (C++/libtorch) vs PyTorch for Python, side by side: same network
# (architecture JSON), same synthetic in-memory images, batch size, optimiser and thread count.
# Runs the pair `rounds` times alternately and prints both figures and their ratio per round.
# Usage: bench/nn/run.sh [arch.json] [threads] [images] [batch] [rounds]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
arch=${1:-$root/examples/arch/default.json}
threads=${2:-1}
images=${3:-3200}
batch=${4:-64}
rounds=${5:-3}
runner=$root/build/bench/nn/bench_nn_train
[ -x "$runner" ] || cmake --build "$root/build" --target bench_nn_train
py=/usr/bin/python3
echo "arch $arch, threads $threads, images $images, batch $batch"
for round in $(seq "$rounds"); do
  ours=$("$runner" --arch "$arch" --threads "$threads" --images "$images" --batch "$batch")
  theirs=$("$py" "$root/bench/nn/bench_pytorch.py" --arch "$arch" --threads "$threads" \
    --images "$images" --batch "$batch")
  theirs_cl=$("$py" "$root/bench/nn/bench_pytorch.py" --arch "$arch" --threads "$threads" \
    --images "$images" --batch "$batch" --channels-last)
  a=$(echo "$ours" | awk '{print $3}')
  b=$(echo "$theirs" | awk '{print $3}')
  c=$(echo "$theirs_cl" | awk '{print $3}')
  echo "round $round: symnas $a img/s | pytorch $b img/s (default NCHW) | pytorch $c img/s" \
    "(channels_last) | ratio symnas/pytorch $(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", a/b}')" \
    "| vs channels_last $(awk -v a="$a" -v c="$c" 'BEGIN{printf "%.2f", a/c}')"
done
