#!/usr/bin/python3
"""Summary, figures and tables of a paper-experiment output directory.

Takes: DIR with manifest.json and studies/<strategy>_<T>M.{export,ledger,test}.json (written by
experiment.py; the exports are `symnas export --format json` or optuna_study.py --export).
Produces: DIR/summary.json, DIR/summary.md (per threshold x strategy: best feasible validation
accuracy, its test accuracy and FLOPs, wall and CPU time, trials to reach 95 % of the final best,
whether the chosen model exceeds the threshold; the comparison with the paper's claims),
DIR/figures/fig4..fig7 (PNG), DIR/tables/tables_symbolic.md (`symnas explain` per study).
"""
import json
import math
import os
import sys

LABELS = {"symbolic": "symnas symbolic (eq. 2)",
          "symbolic_acc": "symnas symbolic (acc. s.t. budget)", "morphism": "symnas morphism",
          "bo": "symnas bo", "random": "symnas random", "optuna_tpe": "Optuna TPE (constraints)"}
COLORS = {"symbolic": "tab:red", "symbolic_acc": "tab:orange", "morphism": "tab:blue",
          "bo": "tab:green", "random": "tab:gray",
          "optuna_tpe": "tab:purple"}


def _load(path, default=None):
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return json.load(f)


def counted(trials):
    """Trials that count: finished (complete or failed) and not interrupted, in id order."""
    return sorted((t for t in trials if t["status"] in ("complete", "failed")
                   and not t.get("interrupted")), key=lambda t: t["id"])


def flops_of(t):
    return (t.get("metrics") or {}).get("flops")


def chosen_trial(trials):
    """The model the study itself returns: search::RankTrials' order (feasible first, then the
    study objective's score, then smaller violation, then lower id); Optuna exports use the
    validation accuracy as score."""
    ok = [t for t in trials if t["status"] == "complete" and t.get("score") is not None]
    if not ok:
        return None
    return min(ok, key=lambda t: (not t.get("feasible"), -t["score"], t.get("violation", 0.0),
                                  t["id"]))


def trials_to_fraction(trials, threshold, fraction=0.95):
    """1-based trial count after which the running best feasible validation accuracy first
    reaches `fraction` of its final value (None without a feasible trial)."""
    best, history = None, []
    for t in trials:
        f = flops_of(t)
        if t["status"] == "complete" and f is not None and f <= threshold:
            best = t["accuracy"] if best is None else max(best, t["accuracy"])
        history.append(best)
    if best is None:
        return None
    for i, b in enumerate(history):
        if b is not None and b >= fraction * best:
            return i + 1
    return None


def summarise_study(export, ledger, test, threshold):
    """One row of the summary for a study export (+ its time ledger and retrain result)."""
    trials = counted(export["trials"]) if export else []
    feasible = [t for t in trials if t["status"] == "complete" and flops_of(t) is not None
                and flops_of(t) <= threshold]
    best = max(feasible, key=lambda t: (t["accuracy"], -t["id"])) if feasible else None
    chosen = chosen_trial(trials)
    trained = [t for t in trials if flops_of(t) is not None]
    ledger = ledger or []
    search = [e for e in ledger if e["phase"] in ("search", "export")]
    row = {
        "trials": len(trials),
        "failed_trials": sum(1 for t in trials if t["status"] == "failed"),
        "feasible_trials": len(feasible),
        "over_budget_fraction": (sum(1 for t in trained if flops_of(t) > threshold) / len(trained)
                                 if trained else None),
        "best_trial": best["id"] if best else None,
        "best_val_accuracy": best["accuracy"] if best else None,
        "best_mflops": flops_of(best) / 1e6 if best else None,
        "test_accuracy": (test or {}).get("test_accuracy") if best else None,
        "retrain_val_accuracy": (test or {}).get("val_accuracy") if best else None,
        "chosen_trial": chosen["id"] if chosen else None,
        "chosen_mflops": flops_of(chosen) / 1e6 if chosen and flops_of(chosen) else None,
        "chosen_val_accuracy": chosen["accuracy"] if chosen else None,
        "chosen_exceeds": (flops_of(chosen) > threshold) if chosen and flops_of(chosen) else None,
        "wall_seconds": sum(e["wall_seconds"] for e in search) if search else None,
        "cpu_seconds": sum(e["cpu_seconds"] for e in search) if search else None,
        "train_seconds": sum(t.get("wall_seconds") or 0.0 for t in trials),
        "trials_to_95pct": trials_to_fraction(trials, threshold),
        "mean_loadavg_1m": (sum(e.get("loadavg_1m", 0) for e in search) / len(search)
                            if search else None),
    }
    return row


def build_summary(out):
    m = _load(os.path.join(out, "manifest.json"))
    if m is None:
        raise FileNotFoundError(f"{out}/manifest.json missing: not a paper-experiment directory")
    rows = []
    for th_m in m["settings"]["thresholds_m"]:
        for s in m["strategies"]:
            base = os.path.join(out, "studies", f"{s}_{th_m:g}M")
            export = _load(base + ".export.json")
            row = {"threshold_mflops": th_m, "strategy": s, "present": export is not None}
            row.update(summarise_study(export, _load(base + ".ledger.json"),
                                       _load(base + ".test.json"), th_m * 1e6))
            rows.append(row)
    return {"manifest": m, "rows": rows,
            "claims": {arm: paper_claims(rows, m["strategies"], arm) for arm in SYMBOLIC_ARMS
                       if arm in m["strategies"]}}


SYMBOLIC_ARMS = ("symbolic", "symbolic_acc")


def paper_claims(rows, strategies, arm="symbolic"):
    """The paper's two numbers, `arm` vs each rival, over thresholds where both finished:
    mean relative wall-time saving (1 - T_sym / T_rival) and mean accuracy difference
    (best feasible validation accuracy; a threshold where only one side found a feasible
    network is counted separately)."""
    by = {(r["threshold_mflops"], r["strategy"]): r for r in rows}
    claims = {}
    for rival in strategies:
        if rival in SYMBOLIC_ARMS:
            continue
        faster, acc_diff, acc_rel, only_sym, only_rival, both_none, cpu_faster = \
            [], [], [], 0, 0, 0, []
        for (th, s), r in by.items():
            if s != arm or (th, rival) not in by:
                continue
            o = by[(th, rival)]
            if r["trials"] == 0 or o["trials"] == 0 or r["trials"] != o["trials"]:
                continue
            if r["wall_seconds"] and o["wall_seconds"]:
                faster.append(1 - r["wall_seconds"] / o["wall_seconds"])
            if r["cpu_seconds"] and o["cpu_seconds"]:
                cpu_faster.append(1 - r["cpu_seconds"] / o["cpu_seconds"])
            a, b = r["best_val_accuracy"], o["best_val_accuracy"]
            if a is not None and b is not None:
                acc_diff.append(a - b)
                acc_rel.append(a / b - 1)
            elif a is not None:
                only_sym += 1
            elif b is not None:
                only_rival += 1
            else:
                both_none += 1
        mean = (lambda v: sum(v) / len(v) if v else None)
        claims[rival] = {"thresholds_compared": len(faster), "mean_wall_saving": mean(faster),
                         "mean_cpu_saving": mean(cpu_faster),
                         "mean_acc_diff_points": mean(acc_diff),
                         "mean_acc_relative": mean(acc_rel), "acc_compared": len(acc_diff),
                         "feasible_only_symbolic": only_sym, "feasible_only_rival": only_rival,
                         "feasible_neither": both_none}
    return claims


def _fmt(v, kind):
    if v is None:
        return "-"
    if kind == "pct":
        return f"{100 * v:.1f}"
    if kind == "m":
        return f"{v:.1f}"
    if kind == "s":
        return f"{v:.0f}"
    if kind == "bool":
        return "yes" if v else "no"
    return str(v)


def summary_markdown(summary):
    m, rows = summary["manifest"], summary["rows"]
    st = m["settings"]
    lines = [f"# Paper experiment ({m['profile']} profile)", "",
             f"Fashion-MNIST, {st['train_subset']} training / {st['val_subset']} validation images "
             f"(validation carved from the 60k training set, split seed {m['split_seed']}), the "
             f"10k test set for the final report only; {st['epochs']} epoch(s) per trial, "
             f"{st['trials']} trials per study, study seed {m['study_seed']}, "
             f"{st['initial_random']} initial random trials for bo/symbolic/morphism/TPE, "
             f"{m['workers']} studies at once, 1 thread each.", "",
             "Columns: best feasible validation accuracy (%) and its trial; its test accuracy (%) "
             "after retraining with the trial's seed; its MFLOPs; feasible trials / trials; "
             "share of trained models over the threshold; whether the model the study returns "
             "(its own objective's ranking) exceeds the threshold; wall and CPU seconds of the "
             "search (test retraining excluded); trials until the running best feasible accuracy "
             "reaches 95 % of its final value.", "",
             "| MFLOPs th. | strategy | best val % | trial | test % | MFLOPs | feasible | over th. "
             "| chosen exceeds | wall s | CPU s | trials to 95 % |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if not r["present"]:
            lines.append(f"| {r['threshold_mflops']} | {r['strategy']} | not run | | | | | | | | "
                         "| |")
            continue
        lines.append(
            f"| {r['threshold_mflops']} | {r['strategy']} | {_fmt(r['best_val_accuracy'], 'pct')} "
            f"| {_fmt(r['best_trial'], '')} | {_fmt(r['test_accuracy'], 'pct')} "
            f"| {_fmt(r['best_mflops'], 'm')} | {r['feasible_trials']}/{r['trials']} "
            f"| {_fmt(r['over_budget_fraction'], 'pct')} % | {_fmt(r['chosen_exceeds'], 'bool')} "
            f"| {_fmt(r['wall_seconds'], 's')} | {_fmt(r['cpu_seconds'], 's')} "
            f"| {_fmt(r['trials_to_95pct'], '')} |")
    lines += ["", "## Against the paper's claims (the symbolic tuner vs each rival)", "",
              "The paper: the symbolic tuner is on average 78 % faster and 31 % more accurate than "
              "AutoKeras (BO + network morphism, over-budget candidates discarded) over eight "
              "thresholds. Here `morphism` plays AutoKeras. Saving = mean over thresholds of "
              "1 - T_symbolic / T_rival (positive: symbolic faster); accuracy = mean difference "
              "of best feasible validation accuracy in points and relative, over thresholds "
              "where both found a feasible network.", "",
              "| symbolic arm | rival | thresholds | wall saving | CPU saving "
              "| acc. diff (points) | acc. relative "
              "| feasible only symbolic / only rival / neither |",
              "|---|---|---|---|---|---|---|---|"]
    for arm, rivals in summary["claims"].items():
        for rival, c in rivals.items():
            lines.append(
                f"| {arm} | {rival} | {c['thresholds_compared']} "
                f"| {_fmt(c['mean_wall_saving'], 'pct')} % "
                f"| {_fmt(c['mean_cpu_saving'], 'pct')} % "
                f"| {_fmt(c['mean_acc_diff_points'], 'pct')} "
                f"| {_fmt(c['mean_acc_relative'], 'pct')} % | {c['feasible_only_symbolic']} / "
                f"{c['feasible_only_rival']} / {c['feasible_neither']} |")
    missing = [r for r in rows if not r["present"] or r["trials"] < st["trials"]]
    if missing:
        lines += ["", "Incomplete studies: " + ", ".join(
            f"{r['strategy']}@{r['threshold_mflops']}M ({r['trials']}/{st['trials']})"
            for r in missing)]
    return "\n".join(lines) + "\n"


def make_figures(out, summary):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    m, rows = summary["manifest"], summary["rows"]
    ths, strategies = m["settings"]["thresholds_m"], m["strategies"]
    figdir = os.path.join(out, "figures")
    os.makedirs(figdir, exist_ok=True)
    # Fig. 4: accuracy vs MFLOPs of every trained model, one panel per threshold.
    cols = min(4, len(ths))
    nrows = math.ceil(len(ths) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(4 * cols, 3.3 * nrows), squeeze=False,
                             sharey=True)
    for i, th in enumerate(ths):
        ax = axes[i // cols][i % cols]
        for s in strategies:
            export = _load(os.path.join(out, "studies", f"{s}_{th:g}M.export.json"))
            pts = [(flops_of(t) / 1e6, 100 * t["accuracy"]) for t in counted(
                export["trials"] if export else []) if t["status"] == "complete" and flops_of(t)]
            if pts:
                ax.scatter(*zip(*pts), s=14, alpha=0.75, color=COLORS.get(s), label=LABELS.get(s))
        ax.axvline(th, color="k", ls="--", lw=1)
        ax.set_title(f"threshold {th:g} MFLOPs")
        ax.set_xlabel("MFLOPs")
        if i % cols == 0:
            ax.set_ylabel("validation accuracy %")
    for j in range(len(ths), nrows * cols):
        axes[j // cols][j % cols].axis("off")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(strategies), fontsize=8)
    fig.suptitle("Fig. 4: accuracy vs MFLOPs of every trained model")
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    fig.savefig(os.path.join(figdir, "fig4_accuracy_vs_mflops.png"), dpi=110)
    plt.close(fig)

    def series(key, scale=1.0):
        return {s: [(r["threshold_mflops"], None if r[key] is None else scale * r[key])
                    for r in rows if r["strategy"] == s and r["present"]] for s in strategies}

    # Fig. 5: best feasible accuracy per threshold (validation; test dashed).
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for s, pts in series("best_val_accuracy", 100).items():
        pts = [(x, y) for x, y in pts if y is not None]
        if pts:
            ax.plot(*zip(*pts), "o-", color=COLORS.get(s), label=LABELS.get(s) + " (val)")
    for s, pts in series("test_accuracy", 100).items():
        pts = [(x, y) for x, y in pts if y is not None]
        if pts:
            ax.plot(*zip(*pts), "x--", color=COLORS.get(s), alpha=0.6)
    ax.set_xlabel("FLOPs threshold (M)")
    ax.set_ylabel("best feasible accuracy %  (x--: test)")
    ax.set_title("Fig. 5: best feasible accuracy per threshold")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(os.path.join(figdir, "fig5_best_feasible_accuracy.png"), dpi=110)
    plt.close(fig)
    # Fig. 6: wall and CPU time per threshold and strategy (grouped bars).
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    width = 0.8 / max(1, len(strategies))
    for ax, key, title in ((axes[0], "wall_seconds", "wall time (s)"),
                           (axes[1], "cpu_seconds", "CPU time (s)")):
        for k, s in enumerate(strategies):
            pts = series(key)[s]
            xs = [ths.index(x) + (k - (len(strategies) - 1) / 2) * width for x, _ in pts]
            ax.bar(xs, [y or 0 for _, y in pts], width, color=COLORS.get(s), label=LABELS.get(s))
        ax.set_xticks(range(len(ths)))
        ax.set_xticklabels([f"{t:g}" for t in ths])
        ax.set_xlabel("FLOPs threshold (M)")
        ax.set_ylabel(title)
    axes[0].legend(fontsize=7)
    fig.suptitle("Fig. 6: search time per threshold (machine shared: CPU time is the fairer one)")
    fig.tight_layout()
    fig.savefig(os.path.join(figdir, "fig6_time.png"), dpi=110)
    plt.close(fig)
    # Fig. 7: thresholds exceeded by the chosen model (marker) + share of trained models over.
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for k, s in enumerate(strategies):
        for r in rows:
            if r["strategy"] != s or not r["present"] or r["chosen_exceeds"] is None:
                continue
            x = ths.index(r["threshold_mflops"])
            ax.scatter(x, k, s=120, marker="X" if r["chosen_exceeds"] else "o",
                       color="tab:red" if r["chosen_exceeds"] else "tab:green")
            if r["over_budget_fraction"] is not None:
                ax.annotate(f"{100 * r['over_budget_fraction']:.0f}%", (x, k), fontsize=7,
                            xytext=(8, 6), textcoords="offset points")
    ax.set_yticks(range(len(strategies)))
    ax.set_yticklabels([LABELS.get(s, s) for s in strategies], fontsize=8)
    ax.set_xticks(range(len(ths)))
    ax.set_xticklabels([f"{t:g}" for t in ths])
    ax.set_xlabel("FLOPs threshold (M)")
    ax.set_title("Fig. 7: chosen model over the threshold (X) or within (o);\n"
                 "label: share of trained models over the threshold", fontsize=9)
    ax.set_ylim(-0.6, len(strategies) - 0.4)
    fig.tight_layout()
    fig.savefig(os.path.join(figdir, "fig7_thresholds_exceeded.png"), dpi=110)
    plt.close(fig)


def tables_markdown(out, summary):
    """Tables I-IV: `symnas explain` of every symbolic study, in threshold order."""
    parts = ["# Tables I-IV for our run: `symnas explain` of every symbolic study", ""]
    for arm in SYMBOLIC_ARMS:
        for th in summary["manifest"]["settings"]["thresholds_m"]:
            path = os.path.join(out, "tables", f"explain_{arm}_{th:g}M.txt")
            if os.path.exists(path):
                with open(path) as f:
                    parts += [f"## {arm}, threshold {th:g} MFLOPs", "", "```", f.read().rstrip(),
                              "```", ""]
    return "\n".join(parts) + "\n"


def make_report(out):
    summary = build_summary(out)
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(summary_markdown(summary))
    with open(os.path.join(out, "tables", "tables_symbolic.md"), "w") as f:
        f.write(tables_markdown(out, summary))
    make_figures(out, summary)
    print(f"report: {out}/summary.md, summary.json, figures/, tables/tables_symbolic.md")
    return summary


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: report.py OUT_DIR")
    make_report(sys.argv[1])
