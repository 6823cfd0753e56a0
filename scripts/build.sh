#!/usr/bin/env bash
# Installs the Debian packages (scripts/setup.sh), configures and builds symnas into build/.
# Usage: scripts/build.sh [extra cmake args]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
# ccache (from setup.sh) lets rebuilds and other clones of the tree on this machine reuse objects;
# base_dir makes the cache independent of where the clone lives.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "$@" \
  >/dev/null
# Two cores, and compiling libtorch code takes ~1.5 GB per job: two jobs fit.
cmake --build "$root/build" -j 2
