#!/usr/bin/env bash
# Sets up, builds and runs the main job. Until the symbolic search exists: trains the default
# network (seed-000 template, examples/arch/default.json) on Fashion-MNIST and prints its
# per-epoch table and metrics. A 20k-image training subset and 2 epochs keep it to a few
# minutes on 2 cores; pass other `symnas train` options to override (e.g. --train-subset 0).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
"$root/build/src/cli/symnas" version
"$root/build/src/cli/symnas" train --arch "$root/examples/arch/default.json" \
  --dataset fashion_mnist --train-subset 20000 --val-subset 5000 --epochs 2 \
  --json "$root/build/default_fashion_mnist.json" "$@"
