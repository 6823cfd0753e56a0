#!/usr/bin/env bash
# The light `symnas` binary starts without libtorch: no libtorch among its shared libraries,
# `symnas prob` on a one-fact program answers within 30 MB peak RSS, and a libtorch command
# (`train --help`) is still reachable through the same command (forwarded to symnas-full).
# Usage: light_start.sh SYMNAS_BINARY
set -euo pipefail
symnas=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ldd "$symnas" | grep -i torch; then
  echo "FAIL: $symnas links libtorch"
  exit 1
fi
printf '0.3::a.\nquery(a).\n' > "$tmp/one.pl"
/usr/bin/time -o "$tmp/rss" -f '%M %e' "$symnas" prob "$tmp/one.pl" > "$tmp/out"
[ "$(cat "$tmp/out")" = "$(printf 'a\t0.3')" ] || { echo "FAIL: answer $(cat "$tmp/out")"; exit 1; }
read -r rss_kb wall_s < "$tmp/rss"
echo "symnas prob one-fact program: ${rss_kb} KB peak RSS, ${wall_s} s wall"
[ "$rss_kb" -lt 30720 ] || { echo "FAIL: peak RSS ${rss_kb} KB >= 30 MB"; exit 1; }
"$symnas" train --help | grep -q 'Usage: .*symnas train' || { echo "FAIL: train not forwarded"; exit 1; }
echo "train --help forwarded to symnas-full"
