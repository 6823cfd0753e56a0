#!/usr/bin/env bash
# An unknown subcommand is an error that lists the valid ones, whatever flags follow it
# (`symnas no-such-verb --help` once printed the top-level help and exited 0); the top-level
# --help itself still exits 0.
# Usage: unknown_command.sh SYMNAS_BINARY
set -uo pipefail
symnas=$1
for args in "no-such-verb" "no-such-verb --help" "no-such-verb --study x.db"; do
  # shellcheck disable=SC2086
  err=$("$symnas" $args 2>&1 >/dev/null); rc=$?
  [ "$rc" -eq 2 ] || { echo "FAIL: '$args' exited $rc, want 2"; exit 1; }
  grep -q "UnknownNameError: unknown command 'no-such-verb'" <<< "$err" ||
    { echo "FAIL: '$args' said: $err"; exit 1; }
  grep -q "search, worker, trials" <<< "$err" || { echo "FAIL: no list of commands: $err"; exit 1; }
done
"$symnas" --help > /dev/null || { echo "FAIL: symnas --help exited non-zero"; exit 1; }
echo "unknown commands refused with the list of valid ones"
