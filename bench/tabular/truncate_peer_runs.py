#!/usr/bin/env python3
"""Keeps the first N evaluations of every run of an optuna_nb201.py --out file.

A seeded Optuna TPE run's first N trials do not depend on how many trials the study was given
(the sampler sees only the history), so the prefix of a 1000-trial run is the 300-trial run of
the same seed: `symnas bench nasbench201 --evals 300 --peer-runs OUT` can score it.
Usage: truncate_peer_runs.py IN.json N OUT.json
"""
import json
import sys


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    src, n, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(src) as f:
        doc = json.load(f)
    for run in doc["runs"]:
        if len(run["indices"]) < n:
            sys.exit(f"{src}: a run has only {len(run['indices'])} evaluations (< {n})")
        run["seconds"] = run["seconds"] * n / len(run["indices"])  # rough: time is not scored
        run["indices"] = run["indices"][:n]
    doc["truncated_from"] = src
    with open(dst, "w") as f:
        json.dump(doc, f)


if __name__ == "__main__":
    main()
