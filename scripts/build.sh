#!/usr/bin/env bash
# Installs the Debian packages (scripts/setup.sh), configures and builds symnas into build/.
# Usage: scripts/build.sh [extra cmake args]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
# Two cores, and compiling libtorch code takes ~1.5 GB per job: two jobs fit.
cmake --build "$root/build" -j 2
