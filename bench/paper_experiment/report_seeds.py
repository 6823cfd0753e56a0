#!/usr/bin/python3
"""Summary and anytime figure of a multi-seed paper-experiment run (profile `seeds`, issue 12).

Takes: DIR with manifest.json and studies/<arm>_<T>M_s<seed>.{export,ledger,test,nofit}.json
(written by experiment.py). Produces: DIR/summary.json (per arm and threshold: mean and 95 %
confidence interval over seeds of the best feasible test accuracy and of the search's CPU
seconds, trained over-budget networks, candidates rejected before training, pruned trials),
DIR/summary.md (the same as tables, and symbolic against each rival), DIR/figures/anytime.png
(best feasible validation accuracy against CPU seconds, mean over seeds, one panel per
threshold). A study that has not finished is left out and counted in `seeds_done`.
"""
import json
import math
import os
import sys

# Two-sided 97.5 % quantiles of Student's t for n - 1 degrees of freedom (n = 2..10).
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
        9: 2.262}
TRAINED = ("complete", "failed", "pruned")
LABELS = {"symbolic": "symnas symbolic (default profile)",
          "symbolic_paper": "symnas symbolic (paper profile, eq. 2)",
          "morphism": "symnas morphism", "optuna_tpe": "Optuna TPE (constraints)",
          "bo": "symnas bo", "random": "symnas random"}
COLORS = {"symbolic": "tab:red", "symbolic_paper": "tab:orange", "morphism": "tab:blue",
          "optuna_tpe": "tab:purple", "bo": "tab:green", "random": "tab:gray"}


def _load(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def mean_ci(values):
    """(mean, 95 % half-width by Student's t) of a list; (None, None) when empty."""
    if not values:
        return None, None
    m = sum(values) / len(values)
    if len(values) < 2:
        return m, None
    sd = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))
    return m, T975[len(values) - 1] * sd / math.sqrt(len(values))


def study_row(base, threshold):
    """Figures of one finished study, or None if it has not finished."""
    nofit, test = _load(base + ".nofit.json"), _load(base + ".test.json")
    ledger = _load(base + ".ledger.json") or []
    cpu = sum(e["cpu_seconds"] for e in ledger if e["phase"] in ("search", "export"))
    if nofit is not None:
        return {"test_acc": None, "val_acc": None, "cpu_s": cpu, "trained_over_budget": 0,
                "rejected_before_training": 0, "pruned": 0, "trained": 0,
                "note": "no network of the space fits", "curve": []}
    export = _load(base + ".export.json")
    if export is None or test is None:
        return None
    trials = sorted((t for t in export["trials"] if not t.get("interrupted")),
                    key=lambda t: t["id"])
    flops = lambda t: (t.get("metrics") or {}).get("flops")  # noqa: E731
    trained = [t for t in trials if t["status"] in TRAINED]
    over = [t for t in trained if flops(t) is not None and flops(t) > threshold]
    curve, best, spent = [], None, 0.0
    for t in trials:  # anytime: best feasible validation accuracy after each trial's CPU
        spent += ((t.get("details") or {}).get("cpu_seconds") or 0.0)
        if t["status"] == "complete" and flops(t) is not None and flops(t) <= threshold:
            best = t["accuracy"] if best is None else max(best, t["accuracy"])
        curve.append((spent, best))
    return {"test_acc": test.get("test_accuracy"), "val_acc": test.get("val_accuracy"),
            "cpu_s": cpu, "trained_over_budget": len(over),
            "rejected_before_training": sum(t["status"] == "rejected" for t in trials),
            "pruned": sum(t["status"] == "pruned" for t in trials), "trained": len(trained),
            "note": test.get("reason", ""), "curve": curve}


def build_summary(out):
    manifest = _load(os.path.join(out, "manifest.json"))
    p = manifest["settings"]
    summary = {"seeds": len(p["seeds"]), "trials": p["trials"],
               "thresholds": p["thresholds_m"], "epochs": p["epochs"],
               "train_subset": p["train_subset"], "val_subset": p["val_subset"], "arms": {}}
    curves = {}
    for arm in manifest["strategies"]:
        summary["arms"][arm] = {}
        for th in p["thresholds_m"]:
            rows = []
            for seed in p["seeds"]:
                row = study_row(os.path.join(out, "studies", f"{arm}_{th:g}M_s{seed}"), th * 1e6)
                if row is not None:
                    rows.append(row)
            found = [r["test_acc"] for r in rows if r["test_acc"] is not None]
            acc_m, acc_ci = mean_ci(found)
            cpu_m, cpu_ci = mean_ci([r["cpu_s"] for r in rows])
            cell = {"test_acc_mean": acc_m, "test_acc_ci95": acc_ci,
                    "test_acc_per_seed": [r["test_acc"] for r in rows],
                    "feasible_seeds": len(found), "seeds_done": len(rows),
                    "cpu_s_mean": cpu_m, "cpu_s_ci95": cpu_ci,
                    "trained_over_budget": sum(r["trained_over_budget"] for r in rows),
                    "rejected_before_training": sum(r["rejected_before_training"] for r in rows),
                    "pruned": sum(r["pruned"] for r in rows),
                    "trained": sum(r["trained"] for r in rows)}
            notes = sorted({r["note"] for r in rows if r["note"]})
            if notes:
                cell["note"] = "; ".join(notes)
            summary["arms"][arm][f"{th:g}"] = cell
            curves[(arm, th)] = [r["curve"] for r in rows if r["curve"]]
    return summary, curves


def _pct(v, ci=None):
    if v is None:
        return "—"
    return f"{100 * v:.1f}" + ("" if ci is None else f" ± {100 * ci:.1f}")


def _num(v, ci=None):
    if v is None:
        return "—"
    return f"{v:.0f}" + ("" if ci is None else f" ± {ci:.0f}")


def summary_markdown(summary):
    arms = list(summary["arms"])
    lines = [f"# Paper experiment, profile `seeds` ({summary['seeds']} seeds x "
             f"{summary['trials']} trials, {summary['train_subset']} / {summary['val_subset']} "
             f"images, {summary['epochs']} epochs)", "",
             "Mean ± 95 % CI (Student's t) over the seeds that finished (`done`). Test accuracy: "
             "best feasible network of each study retrained with its seed, scored once on the "
             "10,000 test images; CPU: the search process (user + system); `over`: trained "
             "networks over the FLOPs budget; `rejected`: candidates rejected before training; "
             "`pruned`: trials stopped early.", ""]
    for th in summary["thresholds"]:
        lines += [f"## {th:g} MFLOPs", "",
                  "| arm | done | feasible seeds | test acc. % | CPU s | over | rejected | pruned |",
                  "|---|---|---|---|---|---|---|---|"]
        for arm in arms:
            c = summary["arms"][arm][f"{th:g}"]
            note = f" ({c['note']})" if c.get("note") else ""
            lines.append(f"| {LABELS.get(arm, arm)}{note} | {c['seeds_done']} | "
                         f"{c['feasible_seeds']} | {_pct(c['test_acc_mean'], c['test_acc_ci95'])}"
                         f" | {_num(c['cpu_s_mean'], c['cpu_s_ci95'])} | "
                         f"{c['trained_over_budget']} | {c['rejected_before_training']} | "
                         f"{c['pruned']} |")
        lines.append("")
    if "symbolic" in arms:
        lines += ["## symbolic against the rivals", ""]
        wins, faster = 0, []
        for th in summary["thresholds"]:
            cells = {a: summary["arms"][a][f"{th:g}"] for a in arms}
            best = max((c["test_acc_mean"] for c in cells.values()
                        if c["test_acc_mean"] is not None), default=None)
            s = cells["symbolic"]
            top = best is not None and s["test_acc_mean"] is not None and s["test_acc_mean"] >= best
            wins += top
            m = cells.get("morphism")
            cpu_note = ""
            if m and m["cpu_s_mean"] and s["cpu_s_mean"] and m.get("note") is None:
                faster.append(s["cpu_s_mean"] < m["cpu_s_mean"])
                cpu_note = f"; CPU symbolic/morphism {s['cpu_s_mean'] / m['cpu_s_mean']:.2f}"
            gap = ("" if best is None or s["test_acc_mean"] is None
                   else f" (best {_pct(best)}, symbolic {_pct(s['test_acc_mean'])})")
            lines.append(f"- {th:g} MFLOPs: symbolic {'has' if top else 'does not have'} the "
                         f"highest mean test accuracy{gap}{cpu_note}")
        lines += ["", f"symbolic highest at {wins} of {len(summary['thresholds'])} thresholds; "
                  f"cheaper than morphism at {sum(faster)} of {len(faster)} thresholds where "
                  "morphism runs.", ""]
    return "\n".join(lines)


def anytime_figure(summary, curves, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ths = summary["thresholds"]
    fig, axes = plt.subplots(1, len(ths), figsize=(4.2 * len(ths), 3.6), squeeze=False)
    for ax, th in zip(axes[0], ths):
        for arm in summary["arms"]:
            runs = curves.get((arm, th), [])
            if not runs:
                continue
            end = max(r[-1][0] for r in runs)
            grid = [end * i / 200 for i in range(201)]
            means = []
            for x in grid:  # mean over the seeds that have a feasible network by then
                vals = []
                for r in runs:
                    best = None
                    for spent, b in r:
                        if spent <= x:
                            best = b
                    if best is not None:
                        vals.append(best)
                means.append(sum(vals) / len(vals) if len(vals) == len(runs) else float("nan"))
            ax.plot(grid, [100 * m for m in means], label=LABELS.get(arm, arm),
                    color=COLORS.get(arm))
        ax.set_title(f"{th:g} MFLOPs")
        ax.set_xlabel("CPU seconds (trials)")
        ax.set_ylabel("best feasible val. acc. % (mean)")
        ax.grid(alpha=0.3)
    # One legend for the figure, with every arm (an arm may have no line in some panel).
    handles = {}
    for ax in axes[0]:
        for h, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, h)
    fig.legend(handles.values(), handles.keys(), loc="lower center", ncol=len(handles),
               fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def make_report(out):
    summary, curves = build_summary(out)
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(summary_markdown(summary))
    os.makedirs(os.path.join(out, "figures"), exist_ok=True)
    anytime_figure(summary, curves, os.path.join(out, "figures", "anytime.png"))


if __name__ == "__main__":
    make_report(os.path.abspath(sys.argv[1]))
