#!/usr/bin/env bash
# Reproduces the figures of docs/hw.md: estimator quality on NAS-Bench-201 device data, lut vs
# measured on random CNNs (host, libtorch), the host probe, and a host predictor fit.
# Usage: bench/hw/run_validation.sh [build dir] [shared data dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
data=${2:-$root/../shared/data}
out=$root/bench/hw/results
mkdir -p "$out"
symnas=$build/src/cli/symnas

echo "== NAS-Bench-201 estimator quality (train 500, evaluate the rest)"
"$symnas" hw validate-nb201 --data "$data" --train-size 500 | tee "$out/validate_nb201.md"

echo "== lut vs measured on 12 random CNNs (host timings: noisy on a shared machine)"
rm -f "$out/lut_cache.sqlite"
"$symnas" hw lut-check --networks 12 --runs 21 --lut-cache "$out/lut_cache.sqlite" \
  | tee "$out/lut_check.txt"

echo "== host probe"
"$symnas" hw probe | tee "$out/host_probe.yaml"

echo "== host predictor from 80 NAS-Bench-201 cells timed with the standalone runner"
/usr/bin/python3 "$root/bench/hw/latency_runner.py" --sample 80 --runs 11 --warmup 3 --seed 1 \
  --out "$out/host_nb201_80cells.csv"
"$symnas" hw fit --device host --measurements "$out/host_nb201_80cells.csv" | tee "$out/fit_host.txt"
