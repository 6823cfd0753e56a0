#!/usr/bin/env python3
"""Workers benchmark (issue 14). Two parts, each run side by side in one invocation:

1. Real training: the main job's study (examples/quickstart_symbolic.yaml: symbolic tuner,
   Fashion-MNIST, 10 MFLOPs budget) with TRIALS trials, once with 1 worker and once with 2, per
   seed; wall time -> trials per hour, the speed-up 2 vs 1 with a 95 % t-interval over seeds,
   and the best feasible accuracy of each run (same study quality).
2. Store overhead: a NAS-Bench-201 study (table look-ups, random strategy, N trials) into a
   SQLite file and, when PostgreSQL's server binaries are installed, into a throwaway local
   PostgreSQL cluster (unix socket, fsync off); time per trial of the loop from the stored
   timestamps (start-up excluded).

Usage: /usr/bin/python3 bench/workers/run.py [--seeds 0,1,2] [--trials 12] [--nb201-trials 500]
         [--out bench/results/workers]   (run on an otherwise idle machine)
"""
import argparse
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SYMNAS = os.path.join(ROOT, "build", "src", "cli", "symnas")
T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26}


def mean_ci(xs):
    m = sum(xs) / len(xs)
    if len(xs) < 2:
        return m, float("nan")
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))
    return m, T95.get(len(xs) - 1, 1.96) * sd / math.sqrt(len(xs))


def study_facts(path):
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT status, interrupted, feasible, accuracy, worker, rerun_of FROM trials").fetchall()
    con.close()
    counted = [r for r in rows if r[0] in ("complete", "failed", "pruned") and not r[1]]
    best = max([r[3] for r in rows if r[0] == "complete" and r[2]] or [float("nan")])
    return {"trials": len(counted), "rows": len(rows), "best_feasible_accuracy": best,
            "workers": len({r[4] for r in rows}),
            "interrupted": sum(1 for r in rows if r[1])}


def run_fmnist(seed, trials, workers, workdir):
    db = os.path.join(workdir, f"fmnist_s{seed}_w{workers}.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    cmd = [SYMNAS, "search", "--config", os.path.join(ROOT, "examples/quickstart_symbolic.yaml"),
           "--study", db, "--seed", str(seed), "--trials", str(trials), "--workers", str(workers),
           "--quiet"]
    start = time.monotonic()
    subprocess.run(cmd, check=True)
    wall = time.monotonic() - start
    facts = study_facts(db)
    facts.update({"seed": seed, "workers_asked": workers, "wall_s": wall,
                  "trials_per_hour": facts["trials"] / wall * 3600, "command": " ".join(cmd)})
    return facts


def start_postgres(tmp):
    bindir = "/usr/lib/postgresql/15/bin"
    if not os.path.exists(os.path.join(bindir, "initdb")):
        return None, None
    data = os.path.join(tmp, "pg")
    os.makedirs(data)
    as_user = []
    if os.getuid() == 0:
        shutil.chown(tmp, "postgres")
        shutil.chown(data, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    subprocess.run(as_user + [f"{bindir}/initdb", "-D", data, "--auth=trust", "-U", "symnas"],
                   check=True, stdout=subprocess.DEVNULL)
    opts = f"-c listen_addresses='' -c unix_socket_directories={tmp} -c fsync=off"
    subprocess.run(as_user + [f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-w", "-l",
                              os.path.join(tmp, "pg.log"), "start"], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([f"{bindir}/createdb", "-h", tmp, "-U", "symnas", "bench"], check=True)
    stop = as_user + [f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]
    return f"postgresql://symnas@/bench?host={tmp}&study=", stop


def run_nb201(location, trials, workdir):
    config = os.path.join(workdir, "nb201_random.yaml")
    with open(os.path.join(ROOT, "examples/nasbench201_symbolic.yaml")) as f:
        text = f.read()
    text = text.replace("strategy: symbolic_nb201", "strategy: random").replace(
        "name: nasbench201-symbolic", "name: nb201-store-overhead")
    with open(config, "w") as f:
        f.write(text)
    cmd = [SYMNAS, "search", "--config", config, "--study", location, "--trials", str(trials),
           "--quiet"]
    start = time.monotonic()
    subprocess.run(cmd, check=True)
    wall = time.monotonic() - start
    # The loop's time per trial from the stored timestamps (process start-up excluded): claim,
    # table look-up, tell and the store's two transactions per trial.
    exported = json.loads(subprocess.run([SYMNAS, "export", "--study", location, "--format",
                                          "json"], check=True, capture_output=True).stdout)
    rows = exported["trials"]
    loop = rows[-1]["finished_unix_s"] - rows[0]["started_unix_s"]
    return {"location": location, "trials": len(rows), "wall_s": wall, "loop_s": loop,
            "ms_per_trial": loop / len(rows) * 1000, "command": " ".join(cmd)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--trials", type=int, default=12)
    ap.add_argument("--nb201-trials", type=int, default=500)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench/results/workers"))
    ap.add_argument("--skip-fmnist", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    results = {"command": " ".join([sys.executable] + sys.argv), "cpu": cpu_model(),
               "fmnist": [], "nb201": []}
    workdir = os.path.join(args.out, "studies")
    os.makedirs(workdir, exist_ok=True)
    if not args.skip_fmnist:
        for seed in [int(s) for s in args.seeds.split(",")]:
            for workers in (1, 2):  # side by side, per seed
                r = run_fmnist(seed, args.trials, workers, workdir)
                print(f"fmnist seed {seed} workers {workers}: {r['trials']} trials in "
                      f"{r['wall_s']:.1f} s = {r['trials_per_hour']:.0f}/h, best feasible "
                      f"{r['best_feasible_accuracy']:.4f}", flush=True)
                results["fmnist"].append(r)
    tmp = tempfile.mkdtemp(prefix="symnas_bench_pg_")
    url, stop = start_postgres(tmp)
    try:
        db = os.path.join(tmp, "nb201.db")
        for name, loc in (("sqlite", db), ("postgresql", url + "nb201" if url else None)):
            if loc is None:
                print("postgresql: server binaries not installed, skipped")
                continue
            r = run_nb201(loc, args.nb201_trials, tmp)
            r["backend"] = name
            print(f"nb201 store overhead {name}: {r['ms_per_trial']:.2f} ms per trial "
                  f"({r['trials']} trials, loop {r['loop_s']:.2f} s, command {r['wall_s']:.2f} s)",
                  flush=True)
            results["nb201"].append(r)
    finally:
        if stop:
            subprocess.run(stop, stdout=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)
    lines = ["# Workers benchmark", "", f"Command: `{results['command']}`", "",
             f"CPU: {results['cpu']}", ""]
    if results["fmnist"]:
        seeds = sorted({r["seed"] for r in results["fmnist"]})
        ratios, rows = [], []
        for s in seeds:
            one = next(r for r in results["fmnist"] if r["seed"] == s and r["workers_asked"] == 1)
            two = next(r for r in results["fmnist"] if r["seed"] == s and r["workers_asked"] == 2)
            ratios.append(two["trials_per_hour"] / one["trials_per_hour"])
            rows.append(f"| {s} | {one['wall_s']:.1f} | {one['trials_per_hour']:.0f} | "
                        f"{one['best_feasible_accuracy']:.4f} | {two['wall_s']:.1f} | "
                        f"{two['trials_per_hour']:.0f} | {two['best_feasible_accuracy']:.4f} | "
                        f"{ratios[-1]:.2f} |")
        m, ci = mean_ci(ratios)
        lines += ["## Fashion-MNIST, main job's study, 1 vs 2 workers", "",
                  "| seed | 1 worker s | trials/h | best feasible acc | 2 workers s | trials/h | "
                  "best feasible acc | speed-up |", "|---|---|---|---|---|---|---|---|"] + rows
        lines += ["", f"Speed-up (2 workers / 1): mean {m:.2f}, 95 % CI ± {ci:.2f} over "
                  f"{len(ratios)} seeds.", ""]
    if results["nb201"]:
        lines += ["## Store overhead, NAS-Bench-201 table, random strategy", "",
                  "| backend | trials | command s | loop s | ms per trial (loop: claim, look-up, "
                  "tell, store) |", "|---|---|---|---|---|"]
        for r in results["nb201"]:
            lines.append(f"| {r['backend']} | {r['trials']} | {r['wall_s']:.2f} | "
                         f"{r['loop_s']:.2f} | {r['ms_per_trial']:.2f} |")
        lines.append("")
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write("\n".join(lines))
    with open(os.path.join(args.out, "summary.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("\n".join(lines))


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip() + f" ({os.cpu_count()} cores)"
    except OSError:
        pass
    return "unknown"


if __name__ == "__main__":
    main()
