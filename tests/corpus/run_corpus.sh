#!/usr/bin/env bash
# Malformed inputs (issue 16): every file under programs/ (through `symnas prob`), configs/
# (through `symnas search`) and rules/ (through `symnas search --rules`) must end with an error
# that names the file and a line (file:N; a whole-program error such as a time limit names the
# file alone), every case under datasets/ with an error naming its bad file,
# a non-zero exit status, and no crash (no signal, status < 128), within the default 8 MiB stack.
# Usage: run_corpus.sh SYMNAS_BINARY
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ulimit -s 8192
ulimit -v 4000000
fails=0
count=0
check() {  # file rc output
  local file=$1 rc=$2 out=$3 name
  name=$(basename "$file")
  count=$((count + 1))
  if [ "$rc" -eq 0 ] || [ "$rc" -ge 128 ]; then
    echo "FAIL $name: exit status $rc (want 1..127)"; fails=$((fails + 1)); return
  fi
  # Located: file:line, or "(in file)" for errors of the whole program (evidence, limits).
  if ! grep -qE "${name}:[0-9]+|\(in [^)]*${name}\)" <<<"$out"; then
    echo "FAIL $name: error not located in ${name}: $(head -c 300 <<<"$out")"
    fails=$((fails + 1)); return
  fi
  echo "ok   $name: $(tail -1 <<<"$out" | cut -c1-160)"
}
for f in "$here"/programs/*.pl; do
  out=$(cd "$here/programs" && timeout 60 "$bin" prob --timeout 3 --max-memory 512 "$f" 2>&1)
  check "$f" $? "$out"
done
for f in "$here"/configs/*.yaml; do
  out=$(timeout 60 "$bin" search --config "$f" --study "$tmp/$(basename "$f").db" 2>&1)
  check "$f" $? "$out"
done
# Rule files (`--rules`) on a study that needs no training: the error names the rule file.
for f in "$here"/rules/*.pl; do
  out=$(timeout 60 "$bin" search --config "$here/rules/study.yaml" --rules "$f" \
    --study "$tmp/rules_$(basename "$f").db" 2>&1)
  check "$f" $? "$out"
done
# Datasets: each case folder holds study.yaml (dir: data) and EXPECT, the file the error must
# name (a binary file has no line: its name is the location).
for d in "$here"/datasets/*/; do
  name=$(basename "$d")
  want=$(head -1 "$d/EXPECT")
  out=$(cd "$d" && timeout 120 "$bin" search --config study.yaml --study "$tmp/data_$name.db" 2>&1)
  rc=$?
  count=$((count + 1))
  if [ "$rc" -eq 0 ] || [ "$rc" -ge 128 ]; then
    echo "FAIL $name: exit status $rc (want 1..127)"; fails=$((fails + 1))
  elif ! grep -qF "$want" <<<"$(grep -E 'Error' <<<"$out")"; then
    echo "FAIL $name: the error does not name $want: $(head -c 300 <<<"$out")"
    fails=$((fails + 1))
  else
    echo "ok   $name: $(tail -1 <<<"$out" | cut -c1-160)"
  fi
done
echo "$count files, $fails failures"
[ "$fails" -eq 0 ] && [ "$count" -ge 40 ]
