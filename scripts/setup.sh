#!/usr/bin/env bash
# Installs every Debian package symnas needs (idempotent, non-interactive) and configures OpenBLAS.
# Usage: scripts/setup.sh        (run as root, or with sudo available)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ccache
  libtorch-dev libopenblas0-pthread libopenblas-pthread-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql libyaml-cpp-dev libcli11-dev nlohmann-json3-dev
  libfmt-dev libspdlog-dev libeigen3-dev libxgboost-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
  libcpp-httplib-dev chromium
  dataset-fashion-mnist python3-torch python3-optuna python3-matplotlib python3-numpy
  libstb-dev libzip-dev libonnx-dev libprotobuf-dev python3-onnx libopencv-dnn-dev
)
# Node.js (for onnxruntime-node in the export tests): Debian's unless a node with npm is present.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
fi

# libtorch links libblas.so.3; make OpenBLAS (pthread flavour) the provider of that alternative.
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
for name in libblas.so.3 liblapack.so.3; do
  target=$(update-alternatives --list "${name}-${arch}" 2>/dev/null | grep openblas-pthread | head -n1 || true)
  if [[ -n $target ]]; then
    "${sudo_cmd[@]}" update-alternatives --set "${name}-${arch}" "$target" >/dev/null
  fi
done
# onnxruntime-node (npm), project-local, for the export tests (tests/nn/check_onnxruntime.cjs).
# ONNXRUNTIME_NODE_INSTALL=skip: its install script must not download GPU files.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ ! -d $root/tools/onnxruntime/node_modules/onnxruntime-node ]]; then
  echo "setup: installing onnxruntime-node into tools/onnxruntime"
  (cd "$root/tools/onnxruntime" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund)
fi
echo "setup: done (BLAS: $(readlink -f /usr/lib/${arch}/libblas.so.3))"
