#!/usr/bin/python3
"""Optuna 3.1 peer of the paper experiment: TPE with constraints_func (FLOPs <= threshold) over
the seed-000 space, each trial training the PyTorch twin of symnas's CNN template (twin.py).

Takes: a FLOPs threshold, trial count, seed, data/training settings (as the symnas studies).
Produces: an Optuna SQLite study (resumed when it exists: load_if_exists), and with --export a
JSON file whose trials have the fields of `symnas export --format json` that report.py reads.
`--retrain-best OUT` retrains the best feasible trial with its seed and writes its test accuracy.
"""
import argparse
import json
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import twin  # noqa: E402

# The seed-000 space (examples/seed000_default_space.yaml), free dimensions only.
SPACE = {
    "filters_0": ("int", 16, 64), "filters_1": ("int", 64, 128), "units_0": ("int", 256, 512),
    "conv_dropout": ("real", 0.0, 0.5), "dense_dropout": ("real", 0.0, 0.5),
    "learning_rate": ("log", 1e-4, 1e-3), "batch_size": ("int", 16, 256),
    "optimizer": ("cat", ["adam", "adamax", "adagrad", "adadelta"]),
    "activation": ("cat", ["relu", "elu", "selu", "swish"]),
}
FIXED = {"conv_blocks": 2, "convs_per_block": 2, "kernel_size": 3, "batch_norm": 0, "pool": "max",
         "dense_layers": 1, "augment": 0}


def suggest(trial):
    p = {}
    for name, spec in SPACE.items():
        if spec[0] == "int":
            p[name] = trial.suggest_int(name, spec[1], spec[2])
        elif spec[0] == "real":
            p[name] = trial.suggest_float(name, spec[1], spec[2])
        elif spec[0] == "log":
            p[name] = trial.suggest_float(name, spec[1], spec[2], log=True)
        else:
            p[name] = trial.suggest_categorical(name, spec[1])
    return p


def data_options(a):
    return dict(validation_size=a.validation_size, train_subset=a.train_subset,
                val_subset=a.val_subset, split_seed=a.split_seed)


def open_study(a, optuna):
    sampler = optuna.samplers.TPESampler(
        seed=a.seed, n_startup_trials=a.startup,
        constraints_func=lambda t: (t.user_attrs.get("flops", math.inf) / a.threshold - 1.0,))
    return optuna.create_study(study_name=a.study_name, storage=f"sqlite:///{a.storage}",
                               sampler=sampler, direction="maximize", load_if_exists=True)


def finished_trials(study, optuna):
    """Trials that count: complete or failed, not interrupted."""
    s = optuna.trial.TrialState
    return [t for t in study.get_trials(deepcopy=False)
            if t.state in (s.COMPLETE, s.FAIL) and not t.user_attrs.get("interrupted")]


def run(a, optuna):
    study = open_study(a, optuna)
    # A trial still RUNNING was interrupted (process killed): mark it failed + interrupted, so
    # it is not counted, and run a fresh trial in its place (as symnas does on resume).
    for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        study._storage.set_trial_user_attr(t._trial_id, "interrupted", True)
        study._storage.set_trial_state_values(t._trial_id, optuna.trial.TrialState.FAIL)
    data = twin.load_splits(**data_options(a))

    def objective(trial):
        params = dict(FIXED, **suggest(trial), epochs=a.epochs)
        arch = twin.arch_from_params(params)
        c = twin.cost(arch)
        seed = twin.trial_seed(a.seed, trial.number)
        trial.set_user_attr("flops", c["flops"])
        trial.set_user_attr("params_count", c["params"])
        trial.set_user_attr("seed", str(seed))
        trial.set_user_attr("started_unix_s", time.time())
        cpu0 = time.process_time()
        r = twin.train(arch, data, seed, threads=a.threads)
        trial.set_user_attr("cpu_seconds", time.process_time() - cpu0)
        trial.set_user_attr("curves", r["curves"])
        trial.set_user_attr("wall_seconds", r["wall_seconds"])
        trial.set_user_attr("stop_reason", r["stop_reason"])
        trial.set_user_attr("finished_unix_s", time.time())
        if r["diverged"]:
            trial.set_user_attr("error", r["stop_reason"])
            return float("nan")  # Optuna records a FAIL trial
        return r["val_accuracy"]

    remaining = a.trials - len(finished_trials(study, optuna))
    if remaining > 0:
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study.optimize(objective, n_trials=remaining,
                       callbacks=[lambda s, t: print(
                           f"[{len(finished_trials(s, optuna))}/{a.trials}] trial {t.number} "
                           f"{t.state.name} acc {t.value} flops {t.user_attrs.get('flops', 0):.4g}",
                           flush=True)])
    return study


def export(study, a, optuna, path):
    """Trials in the shape of `symnas export --format json` (fields report.py uses)."""
    trials = []
    for t in study.get_trials(deepcopy=False):
        if t.state == optuna.trial.TrialState.RUNNING:
            continue
        complete = t.state == optuna.trial.TrialState.COMPLETE
        flops = t.user_attrs.get("flops")
        params = dict(FIXED, **t.params, epochs=a.epochs)
        trials.append({
            "id": t.number, "params": params,
            "status": "complete" if complete else "failed",
            "interrupted": bool(t.user_attrs.get("interrupted", False)),
            "seed": t.user_attrs.get("seed"), "strategy": "optuna_tpe",
            "accuracy": t.value if complete else 0.0, "test_accuracy": None,
            "metrics": {"flops": flops} if flops is not None else {},
            "curves": t.user_attrs.get("curves", {}),
            "wall_seconds": t.user_attrs.get("wall_seconds"),
            "error": t.user_attrs.get("error", ""),
            "feasible": flops is not None and flops <= a.threshold,
            "score": t.value if complete else None,
            "started_unix_s": t.user_attrs.get("started_unix_s"),
            "finished_unix_s": t.user_attrs.get("finished_unix_s"),
            "details": {"architecture": twin.arch_from_params(params),
                        "cpu_seconds": t.user_attrs.get("cpu_seconds")},
        })
    config = {"name": a.study_name, "trials": a.trials, "seed": a.seed, "strategy": "optuna_tpe",
              "strategy_options": {"n_startup_trials": a.startup},
              "objective": {"kind": "constrained", "maximise": "accuracy",
                            "constraints": {"flops": a.threshold}},
              "evaluator": dict(kind="pytorch_twin", epochs=a.epochs, threads=a.threads,
                                **data_options(a))}
    with open(path, "w") as f:
        json.dump({"config": config, "trials": trials}, f, indent=1)


def retrain_best(a, path):
    """Retrains the best feasible trial (highest validation accuracy) with its seed; writes its
    validation accuracy (should equal the stored one) and its test accuracy."""
    with open(a.export) as f:
        trials = json.load(f)["trials"]
    ok = [t for t in trials if t["status"] == "complete" and t["feasible"]]
    if not ok:
        out = {"trial": None, "reason": "no feasible trial"}
    else:
        best = max(ok, key=lambda t: (t["accuracy"], -t["id"]))
        data = twin.load_splits(test=True, **data_options(a))
        r = twin.train(best["details"]["architecture"], data, int(best["seed"]), threads=a.threads)
        out = {"trial": best["id"], "seed": best["seed"], "stored_val_accuracy": best["accuracy"],
               "val_accuracy": r["val_accuracy"], "test_accuracy": r.get("test_accuracy"),
               "wall_seconds": r["wall_seconds"]}
    with open(path, "w") as f:
        json.dump(out, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--storage", required=True, help="SQLite file of the Optuna study")
    ap.add_argument("--study-name", default="paper-optuna")
    ap.add_argument("--threshold", type=float, required=True, help="FLOPs budget")
    ap.add_argument("--trials", type=int, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--startup", type=int, default=3, help="random trials before TPE")
    ap.add_argument("--epochs", type=int, required=True)
    ap.add_argument("--train-subset", type=int, default=0)
    ap.add_argument("--val-subset", type=int, default=0)
    ap.add_argument("--validation-size", type=int, default=10000)
    ap.add_argument("--split-seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--export", help="write the trials as JSON here (after the run)")
    ap.add_argument("--retrain-best", metavar="OUT",
                    help="do not search: retrain the best feasible trial of --export, write OUT")
    a = ap.parse_args()
    if a.retrain_best:
        if not a.export:
            ap.error("--retrain-best needs --export (the exported trials)")
        retrain_best(a, a.retrain_best)
        return
    import optuna
    study = run(a, optuna)
    if a.export:
        export(study, a, optuna, a.export)


if __name__ == "__main__":
    main()
