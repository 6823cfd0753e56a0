#!/usr/bin/python3
"""Optuna 3.1 peer for `symnas bench nasbench201`: runs TPE (constrained task) and NSGA-II
(Pareto task) on the NAS-Bench-201 table and prints, per run, the sequence of evaluated cell
indices as JSON. symnas scores these sequences with the same code it scores its own runs with,
so both tools are measured by one yardstick.

Input: ../shared/data/nasbench201_hw.csv (index, arch, <dataset>_test_acc, lat_ms_<device>).
Output (stdout or --out): {"runs": [{"tool": "optuna", "strategy": "tpe"|"nsga2", "task": ...,
  "device": ..., "dataset": ..., "budget_ms": ..., "seed": ..., "indices": [...],
  "seconds": ..., "other_budgets" (only with --also): [{"device": ..., "budget_ms": ...}]}]}
With --also DEVICE=MS (repeatable) the constrained task bounds several devices' latency at once.
"""
import argparse
import csv
import json
import sys
import time

import optuna

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
# Edge e of the cell (target node <- source node), in the order of the architecture string.
EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]
DATASETS = ["cifar10", "cifar100", "imagenet16"]


def arch_key(ops):
    """The NAS-Bench-201 string of six edge operations."""
    o = ops
    return f"|{o[0]}~0|+|{o[1]}~0|{o[2]}~1|+|{o[3]}~0|{o[4]}~1|{o[5]}~2|"


def lat_column(device):
    """The CSV column of a device: lat_ms_<device> (symnas's Nb201Table names the shipped
    table's batch-1 column lat_ms_titan_rtx_1 titan_rtx)."""
    return "lat_ms_titan_rtx_1" if device == "titan_rtx" else f"lat_ms_{device}"


def table_devices(header):
    """The devices of a table's latency columns, named as symnas names them."""
    names = [c[len("lat_ms_"):] for c in header if c.startswith("lat_ms_")]
    return ["titan_rtx" if n == "titan_rtx_1" else n for n in names]


def load_table(path, dataset, device, also=()):
    """Returns {arch string: (index, accuracy %, latency ms, [latency ms on each `also`
    device])}."""
    acc_col = f"{dataset}_test_acc"
    lat_col = lat_column(device)
    table = {}
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        devices = table_devices(reader.fieldnames or [])
        for d in [device, *also]:
            if d not in devices:
                sys.exit(f"optuna_nb201.py: {path} has no latency column for device '{d}' "
                         f"(its devices: {', '.join(devices)})")
        for row in reader:
            table[row["arch"]] = (int(row["index"]), float(row[acc_col]), float(row[lat_col]),
                                  [float(row[lat_column(d)]) for d in also])
    if len(table) != 15625:
        sys.exit(f"optuna_nb201.py: {path} has {len(table)} cells, expected 15625")
    return table


def suggest_cell(trial, table):
    ops = [trial.suggest_categorical(f"edge_{e}", OPS) for e in range(len(EDGES))]
    return table[arch_key(ops)]


def run_constrained(table, budget_ms, evals, seed, also_budgets=()):
    """TPE maximising accuracy subject to latency <= budget (Optuna's constraints_func), and
    to each further device's latency <= its budget (one constraint per device)."""
    indices = []

    def objective(trial):
        index, acc, lat, also_lat = suggest_cell(trial, table)
        indices.append(index)
        trial.set_user_attr("violation", [lat - budget_ms] +
                            [v - b for v, b in zip(also_lat, also_budgets)])
        return acc

    sampler = optuna.samplers.TPESampler(
        seed=seed, constraints_func=lambda t: t.user_attrs["violation"])
    study = optuna.create_study(direction="maximize", sampler=sampler)
    study.optimize(objective, n_trials=evals)
    return indices


def run_pareto(table, evals, seed, population):
    """NSGA-II on (maximise accuracy, minimise latency)."""
    indices = []

    def objective(trial):
        index, acc, lat, _ = suggest_cell(trial, table)
        indices.append(index)
        return acc, lat

    sampler = optuna.samplers.NSGAIISampler(seed=seed, population_size=population)
    study = optuna.create_study(directions=["maximize", "minimize"], sampler=sampler)
    study.optimize(objective, n_trials=evals)
    return indices


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="path to nasbench201_hw.csv")
    ap.add_argument("--task", choices=["constrained", "pareto"], required=True)
    ap.add_argument("--device", required=True, help="a device of the table's lat_ms_ columns")
    ap.add_argument("--dataset", choices=DATASETS, default="cifar10")
    ap.add_argument("--budget-ms", type=float, default=0.0, help="latency budget (constrained)")
    ap.add_argument("--also", action="append", default=[], metavar="DEVICE=MS",
                    help="constrained: a further latency budget on another device (repeatable)")
    ap.add_argument("--evals", type=int, default=200)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--population", type=int, default=50, help="NSGA-II population size")
    ap.add_argument("--out", help="write JSON here instead of stdout")
    args = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    also = []
    for item in args.also:
        device, _, ms = item.partition("=")
        if not device or not ms:
            sys.exit(f"optuna_nb201.py: --also {item}: expected DEVICE=MS")
        also.append((device, float(ms)))
    table = load_table(args.data, args.dataset, args.device, [d for d, _ in also])
    runs = []
    for seed in args.seeds:
        start = time.perf_counter()
        if args.task == "constrained":
            indices = run_constrained(table, args.budget_ms, args.evals, seed,
                                      [b for _, b in also])
            strategy = "tpe"
        else:
            indices = run_pareto(table, args.evals, seed, args.population)
            strategy = "nsga2"
        runs.append({"tool": "optuna", "strategy": strategy, "task": args.task,
                     "device": args.device, "dataset": args.dataset,
                     "budget_ms": args.budget_ms, "seed": seed, "indices": indices,
                     "seconds": time.perf_counter() - start})
        if also and args.task == "constrained":
            runs[-1]["other_budgets"] = [{"device": d, "budget_ms": b} for d, b in also]
    text = json.dumps({"optuna_version": optuna.__version__, "runs": runs})
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
