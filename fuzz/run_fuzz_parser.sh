#!/usr/bin/env bash
# Builds the libFuzzer parser target with clang in its own build tree and runs it for a bounded
# time, seeded with the logic test programs. Exit 0 = no crash, hang or sanitizer report.
# Usage: fuzz/run_fuzz_parser.sh BUILD_DIR [SECONDS]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:?usage: run_fuzz_parser.sh BUILD_DIR [SECONDS]}"
seconds="${2:-45}"
command -v clang++ >/dev/null || { echo "clang++ not found (install clang, libclang-rt-14-dev)"; exit 1; }
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DSYMNAS_FUZZ=ON -DSYMNAS_WITH_TORCH=OFF \
  -DSYMNAS_BUILD_TESTS=OFF -DSYMNAS_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j2 --target fuzz_parser
corpus="$build/fuzz_corpus"
mkdir -p "$corpus"
cp "$repo"/tests/logic/cases/infer/*.pl "$repo"/tests/logic/cases/lfi/*.pl "$corpus"/ 2>/dev/null || true
cd "$build"
"$build/fuzz/fuzz_parser" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=4096 -print_final_stats=1
