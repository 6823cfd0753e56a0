#!/usr/bin/python3
"""How the eight FLOPs thresholds were chosen: the seed-000 space's cost range on CIFAR-10
(32x32x3, the paper's data) and on Fashion-MNIST (28x28x1, ours), measured with `symnas cost`.

Takes: --symnas PATH. Produces: a markdown table of the smallest, default and largest network of
the space on both inputs (FLOPs = 2 x MACs + bias adds, and MACs), the scale factor, and the
paper's thresholds mapped to 28x28x1.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import twin  # noqa: E402

PAPER_THRESHOLDS_M = [10, 30, 40, 80, 90, 100, 110, 120]
CORNERS = {"smallest": {"filters_0": 16, "filters_1": 64, "units_0": 256},
           "default": {},
           "largest": {"filters_0": 64, "filters_1": 128, "units_0": 512}}


def measure(symnas, params, shape):
    arch = twin.arch_from_params(params, input_shape=shape)
    with tempfile.TemporaryDirectory() as d:
        path, out = os.path.join(d, "a.json"), os.path.join(d, "c.json")
        with open(path, "w") as f:
            json.dump(arch, f)
        subprocess.run([symnas, "cost", "--arch", path, "--json", out], check=True,
                       capture_output=True)
        with open(out) as f:
            return json.load(f)["metrics"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--symnas", required=True)
    a = ap.parse_args()
    rows = {}
    for name, params in CORNERS.items():
        rows[name] = {"cifar": measure(a.symnas, params, (3, 32, 32)),
                      "fmnist": measure(a.symnas, params, (1, 28, 28))}
    print("| network of the seed-000 space | CIFAR-10 MFLOPs | CIFAR-10 MMACs | "
          "Fashion-MNIST MFLOPs | Fashion-MNIST MMACs |")
    print("|---|---|---|---|---|")
    for name, r in rows.items():
        print(f"| {name} | {r['cifar']['flops'] / 1e6:.2f} | {r['cifar']['macs'] / 1e6:.2f} | "
              f"{r['fmnist']['flops'] / 1e6:.2f} | {r['fmnist']['macs'] / 1e6:.2f} |")
    lo = rows["smallest"]["fmnist"]["flops"] / rows["smallest"]["cifar"]["macs"]
    hi = rows["largest"]["fmnist"]["flops"] / rows["largest"]["cifar"]["macs"]
    print(f"\nFashion-MNIST FLOPs / CIFAR-10 MACs: {lo:.3f} (smallest) .. {hi:.3f} (largest)")
    print("paper threshold (CIFAR-10, read as MACs) -> x1.5 -> ours (MFLOPs): " + ", ".join(
        f"{t} -> {1.5 * t:g}" for t in PAPER_THRESHOLDS_M))


if __name__ == "__main__":
    main()
