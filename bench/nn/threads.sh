#!/usr/bin/env bash
# Thread-setting measurements for docs/nn.md: one epoch of a small CNN on a Fashion-MNIST
# subset, timed with (a) libtorch intra-op threads 1 vs 2, (b) OPENBLAS_NUM_THREADS 1 vs 2,
# (c) two trials at once, one per core (1 thread each), vs the same two trials one after the
# other on both cores (2 threads each). Prints wall seconds per configuration.
# Usage: bench/nn/threads.sh [arch.json] [train_images] [repeats]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
arch=${1:-$root/examples/arch/small_bn_swish.json}
n=${2:-5000}
repeats=${3:-2}
symnas=$root/build/src/cli/symnas
trial() {  # trial THREADS SEED -> runs one 1-epoch training, quiet
  "$symnas" train --arch "$arch" --train-subset "$n" --val-subset 1000 --epochs 1 \
    --threads "$1" --seed "$2" >/dev/null
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
echo "arch $(basename "$arch"), $n training images, 1 epoch; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$repeats"); do
  for t in 1 2; do
    t0=$(now); trial "$t" 1; echo "round $r: intra-op threads $t: $(since "$t0") s"
  done
  for b in 1 2; do
    t0=$(now); OPENBLAS_NUM_THREADS=$b trial 2 1
    echo "round $r: intra-op 2, OPENBLAS_NUM_THREADS=$b: $(since "$t0") s"
  done
  t0=$(now); trial 1 1 & trial 1 2 & wait
  echo "round $r: two trials in parallel, 1 thread each: $(since "$t0") s"
  t0=$(now); trial 2 1; trial 2 2
  echo "round $r: two trials in sequence, 2 threads each: $(since "$t0") s"
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
