#!/usr/bin/env bash
# Builds one libFuzzer target (fuzz_parser, fuzz_infer, fuzz_config, fuzz_rules) with clang in its own build tree and runs
# it for a bounded time, seeded with the logic test programs and the malformed-input corpus.
# Exit 0 = no crash, hang or sanitizer report.
# Usage: fuzz/run_fuzz.sh TARGET BUILD_DIR [SECONDS]
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
target="${1:?usage: run_fuzz.sh TARGET BUILD_DIR [SECONDS]}"
build="${2:?usage: run_fuzz.sh TARGET BUILD_DIR [SECONDS]}"
seconds="${3:-45}"
mkdir -p "$build" && build="$(cd "$build" && pwd)"  # absolute: the script changes directory below
command -v clang++ >/dev/null || { echo "clang++ not found (install clang, libclang-rt-14-dev)"; exit 1; }
cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DSYMNAS_FUZZ=ON -DSYMNAS_WITH_TORCH=OFF \
  -DSYMNAS_BUILD_TESTS=OFF -DSYMNAS_BUILD_BENCH=OFF >/dev/null
nice -n 5 cmake --build "$build" -j2 --target "$target"
corpus="$build/corpus_$target"
mkdir -p "$corpus"
case "$target" in  # seeds: what each reader is given in real use, and the malformed corpus
  fuzz_config) cp "$repo"/examples/*.yaml "$repo"/tests/corpus/configs/* "$corpus"/ 2>/dev/null || true ;;
  fuzz_rules) cp "$repo"/rules/*.pl "$repo"/tests/corpus/programs/*.pl "$corpus"/ 2>/dev/null || true ;;
  *) cp "$repo"/tests/logic/cases/infer/*.pl "$repo"/tests/logic/cases/lfi/*.pl \
       "$repo"/tests/corpus/programs/*.pl "$corpus"/ 2>/dev/null || true ;;
esac
cd "$build"
nice -n 5 "$build/fuzz/$target" "$corpus" -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1
