#!/usr/bin/env bash
# Sets up, builds and runs the main job: a short symbolic search (the neuro-symbolic tuner of
# seed 000) on Fashion-MNIST under a 10 MFLOPs budget, then prints the diagnosis-and-tuning
# table of the study and the best network found. Extra arguments go to `symnas search`
# (e.g. --trials 15). The study file is build/quickstart-symbolic.study.db; rerunning resumes it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/build.sh"
symnas="$root/build/src/cli/symnas"
study="$root/build/quickstart-symbolic.study.db"
"$symnas" search --config "$root/examples/quickstart_symbolic.yaml" --study "$study" "$@"
echo
"$symnas" explain --study "$study"
echo
"$symnas" trials --study "$study" --top 1
echo "Dashboard of this study: $symnas dashboard --study $study  (then open http://127.0.0.1:8080/; or a static file: $symnas report --study $study --out report.html)"
