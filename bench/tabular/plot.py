#!/usr/bin/python3
"""Plots of `symnas bench nasbench201`: for every device, the median best feasible accuracy
(with the inter-quartile band) vs evaluations for each latency budget, and the median normalised
hypervolume vs evaluations. Usage: plot.py SUMMARY.json  (PNGs are written beside it)."""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def band(ax, curve, label):
    xs = range(1, len(curve["median"]) + 1)
    line, = ax.plot(xs, curve["median"], label=label, linewidth=1.4)
    ax.fill_between(xs, curve["q1"], curve["q3"], color=line.get_color(), alpha=0.15)


def main():
    path = sys.argv[1]
    out_dir = os.path.dirname(os.path.abspath(path))
    summary = json.load(open(path))
    devices = sorted({g["device"] for g in summary["constrained"] + summary["pareto"]})
    for device in devices:
        groups = [g for g in summary["constrained"] if g["device"] == device and g["optimum"]]
        budgets = sorted({g["budget_ms"] for g in groups})
        has_pareto = any(g["device"] == device for g in summary["pareto"])
        cols = len(budgets) + (1 if has_pareto else 0)
        if cols == 0:
            continue
        fig, axes = plt.subplots(1, cols, figsize=(4.2 * cols, 3.6), squeeze=False)
        for ax, budget in zip(axes[0], budgets):
            for g in [g for g in groups if g["budget_ms"] == budget]:
                band(ax, g["best_feasible_curve"], g["strategy"])
            opt = next(g for g in groups if g["budget_ms"] == budget)["optimum"]["accuracy"]
            ax.axhline(opt, color="black", linestyle=":", linewidth=1, label="true optimum")
            ax.set_ylim(opt - 6, opt + 1)
            ax.set_title(f"{device}: latency <= {budget:g} ms")
            ax.set_xlabel("evaluations")
            ax.set_ylabel("best feasible test accuracy (%)")
            ax.legend(fontsize=7, loc="lower right")
        if has_pareto:
            ax = axes[0][-1]
            for g in [g for g in summary["pareto"] if g["device"] == device]:
                band(ax, g["hv_curve"], g["strategy"])
            ax.axhline(0.98, color="black", linestyle=":", linewidth=1, label="0.98 goal")
            ax.set_ylim(0.8, 1.005)
            ax.set_title(f"{device}: accuracy vs latency front")
            ax.set_xlabel("evaluations")
            ax.set_ylabel("hypervolume / true front's")
            ax.legend(fontsize=7, loc="lower right")
        fig.tight_layout()
        target = os.path.join(out_dir, f"nasbench201_{device}.png")
        fig.savefig(target, dpi=110)
        plt.close(fig)
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
