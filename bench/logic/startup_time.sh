#!/usr/bin/env bash
# Start-up cost of `symnas prob`: wall time and max RSS (GNU time -v) of N runs on a one-fact
# program and on ProbLog's test/extern_test.pl (Python externals). Usage:
#   bench/logic/startup_time.sh SYMNAS_BINARY [N] [PROBLOG_TEST_DIR]
set -euo pipefail
symnas=$1
n=${2:-5}
tests=${3:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/peers/problog/test}
one=$(mktemp --suffix=.pl)
echo "a. query(a)." > "$one"
measure() {
  for _ in $(seq "$n"); do
    { /usr/bin/time -v "$symnas" prob "$1" 2>&1 >/dev/null || true; } |
      awk -F': ' '/Elapsed/ {w=$2} /Maximum resident/ {r=$2} END {printf "%s wall, %s KB\n", w, r}'
  done
}
echo "one-fact program:"; measure "$one"
if [ -f "$tests/extern_test.pl" ]; then echo "extern_test.pl:"; measure "$tests/extern_test.pl"; fi
rm -f "$one"
