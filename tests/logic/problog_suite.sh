#!/usr/bin/env bash
# ProbLog-suite test: runs ProbLog 2's own test programs (inference and LFI) through
# `symnas prob` with the peer's check_suite.py and compares the failures with
# problog_suite_known_failures.txt: a new failure or a listed file that now passes fails the test.
# Usage: problog_suite.sh SYMNAS_BINARY [PROBLOG_HOME]. Exit 77 (ctest: skipped) without ProbLog.
set -euo pipefail
symnas=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
home=${2:-}
if [ -z "$home" ]; then
  # ../shared/peers/problog from the repository root (or from the folder of a git worktree).
  for candidate in "$root/../shared/peers/problog" "$root/../../shared/peers/problog"; do
    if [ -f "$candidate/check_suite.py" ]; then home=$(cd "$candidate" && pwd); break; fi
  done
fi
if [ -z "$home" ] || [ ! -f "$home/check_suite.py" ]; then
  echo "SKIPPED: ProbLog 2 not found at $root/../shared/peers/problog (give PROBLOG_HOME as the second argument)"
  exit 77
fi
out=$(PROBLOG_HOME="$home" /usr/bin/python3 "$home/check_suite.py" --timeout 10 \
  --infer-cmd "$symnas prob" --lfi-cmd "$symnas prob lfi")
echo "$out" | grep '^SUMMARY'
failed=$(echo "$out" | awk '$1 == "FAIL" {print $3}' | sort)
known=$(grep -v '^#' "$here/problog_suite_known_failures.txt" | awk 'NF {print $1}' | sort)
new=$(comm -23 <(echo "$failed") <(echo "$known") | sed '/^$/d')
fixed=$(comm -13 <(echo "$failed") <(echo "$known") | sed '/^$/d')
status=0
if [ -n "$new" ]; then
  echo "New failures:"
  echo "$out" | grep -F -f <(echo "$new") | grep '^FAIL'
  status=1
fi
if [ -n "$fixed" ]; then
  echo "Now passing, remove from problog_suite_known_failures.txt:"
  echo "$fixed"
  status=1
fi
echo "Known failures: $(echo "$known" | wc -l) (see problog_suite_known_failures.txt)"
exit $status
