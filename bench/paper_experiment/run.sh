#!/usr/bin/env bash
# Seed 000's experiment on Fashion-MNIST (symnas strategies vs Optuna TPE): see
# docs/paper_experiment.md. Usage: run.sh --profile quick|full [--out DIR] [--symnas PATH]
# Resumable: re-running the same command continues the unfinished studies.
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/experiment.py" "$@"
