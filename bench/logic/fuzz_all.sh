#!/usr/bin/env bash
# Fuzzes every libFuzzer target for SECONDS each (default 600, the issue-16 figure), one after
# the other at low priority; prints each target's final libFuzzer stats. Needs clang.
# Usage: bench/logic/fuzz_all.sh [SECONDS] [BUILD_DIR]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-600}"
build="${2:-$repo/build/fuzz-build}"
for target in fuzz_parser fuzz_infer fuzz_config fuzz_rules; do
  echo "== $target, $seconds s"
  "$repo/fuzz/run_fuzz.sh" "$target" "$build" "$seconds" 2>&1 | grep -E "^stat::|Done|ERROR|SUMMARY"
done
