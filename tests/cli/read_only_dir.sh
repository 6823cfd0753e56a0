#!/usr/bin/env bash
# A writable study file in a directory the user cannot write (SQLite must create FILE-wal beside
# it) is an error that blames the directory, not the file, exits non-zero and leaves the study's
# trials intact. Root may write anywhere, so as root the second run drops to user nobody
# (setpriv); the study is made by the invoking user first.
# Usage: read_only_dir.sh SYMNAS_BINARY
set -uo pipefail
symnas=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir "$tmp/ro"
cat > "$tmp/study.yaml" <<'YAML'
name: read-only-dir
trials: 3
seed: 0
strategy: random
objective: {kind: accuracy}
evaluator: {kind: synthetic, function: branin}
YAML
"$symnas" search --config "$tmp/study.yaml" --study "$tmp/ro/s.db" --quiet > "$tmp/first.txt" 2>&1 ||
  { echo "FAIL: the first search failed: $(cat "$tmp/first.txt")"; exit 1; }
before=$("$symnas" trials --study "$tmp/ro/s.db" 2>&1)
chmod 666 "$tmp/ro/s.db"
chmod 555 "$tmp/ro"
sed -i 's/trials: 3/trials: 5/' "$tmp/study.yaml"
chmod 644 "$tmp/study.yaml"
run=("$symnas")
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv > /dev/null || { echo "SKIPPED: root without setpriv"; exit 77; }
  run=(setpriv --reuid=65534 --regid=65534 --clear-groups "$symnas")
fi
err=$("${run[@]}" search --config "$tmp/study.yaml" --study "$tmp/ro/s.db" 2>&1); rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] || { echo "FAIL: exit status $rc, want 1..127: $err"; exit 1; }
grep -q "its directory '$tmp/ro' is not writable" <<< "$err" ||
  { echo "FAIL: the directory is not blamed: $err"; exit 1; }
if grep -q "is not a usable symnas study" <<< "$err"; then
  echo "FAIL: the study file is blamed: $err"; exit 1
fi
chmod 755 "$tmp/ro"
after=$("$symnas" trials --study "$tmp/ro/s.db" 2>&1)
[ "$before" = "$after" ] || { echo "FAIL: the stored trials changed"; exit 1; }
echo "read-only directory blamed, study intact: $(head -1 <<< "$err")"
