#!/usr/bin/env bash
# Sets up, builds and runs the main job: train the default network on Fashion-MNIST.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
"$root/build/src/cli/symnas" version
