#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite: GoogleTest (via CTest) and the ProbLog
# reference cases. Exit code 0 only if everything passed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
cd "$root/build"
status=0
ctest --output-on-failure -j 2 --timeout 900 || status=1
exit $status
