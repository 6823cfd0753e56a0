#!/usr/bin/env python3
"""Standalone latency runner: copy this one file to a device with PyTorch and produce the
measurements CSV that `symnas hw fit --device NAME --measurements FILE.csv` trains on.

Times networks at batch 1 (warm-up, median of N, fixed thread count) and writes one row per
network: NAS-Bench-201 cells (column `arch`) or symnas LayerList JSON files (`layers_json`),
plus latency_ms, p10_ms, p90_ms, runs.

  python3 latency_runner.py --sample 300 --seed 0 --out raspi4.csv           # random NB201 cells
  python3 latency_runner.py --archs cells.txt --out dev.csv                  # one cell per line
  python3 latency_runner.py --layers net1.json net2.json --out dev.csv       # any sequential CNN

The NAS-Bench-201 network follows Dong & Yang (ICLR 2020): stem conv3x3(16)+BN, 3 stages of 5
cells (C = 16, 32, 64) joined by ResNet basic blocks with stride 2, BN+ReLU, global average pool,
linear classifier; nor_conv = ReLU-Conv-BN, none = zero (x * 0), skip = identity.
"""
import argparse
import csv
import json
import os
import random
import statistics
import time

import torch
import torch.nn as nn

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
DATASETS = {"cifar10": (32, 10), "cifar100": (32, 100), "imagenet16": (16, 120)}


def parse_cell(arch):
    ops = [t.split("~")[0] for t in arch.replace("+", "").strip("|").split("|") if t]
    if len(ops) != 6 or any(o not in OPS for o in ops):
        raise ValueError(f"not a NAS-Bench-201 cell: {arch}")
    return ops


def random_cell(rng):
    ops = [rng.choice(OPS) for _ in EDGES]
    nodes = [[f"{ops[0]}~0"], [f"{ops[1]}~0", f"{ops[2]}~1"],
             [f"{ops[3]}~0", f"{ops[4]}~1", f"{ops[5]}~2"]]
    return "+".join("|" + "|".join(n) + "|" for n in nodes)


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


def relu_conv_bn(c, k):
    return nn.Sequential(nn.ReLU(), nn.Conv2d(c, c, k, 1, (k - 1) // 2, bias=False),
                         nn.BatchNorm2d(c))


def edge_op(name, c):
    return {"none": lambda: Zero(), "skip_connect": lambda: nn.Identity(),
            "nor_conv_1x1": lambda: relu_conv_bn(c, 1), "nor_conv_3x3": lambda: relu_conv_bn(c, 3),
            "avg_pool_3x3": lambda: nn.AvgPool2d(3, 1, 1, count_include_pad=False)}[name]()


class Cell(nn.Module):
    def __init__(self, ops, c):
        super().__init__()
        self.ops = nn.ModuleList(edge_op(o, c) for o in ops)

    def forward(self, x):
        nodes = [x]
        for target in (1, 2, 3):
            nodes.append(sum(self.ops[e](nodes[src]) for e, (src, dst) in enumerate(EDGES)
                             if dst == target))
        return nodes[3]


class Reduction(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = nn.Sequential(nn.ReLU(), nn.Conv2d(cin, cout, 3, 2, 1, bias=False),
                               nn.BatchNorm2d(cout))
        self.b = nn.Sequential(nn.ReLU(), nn.Conv2d(cout, cout, 3, 1, 1, bias=False),
                               nn.BatchNorm2d(cout))
        self.down = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(cin, cout, 1, bias=False))

    def forward(self, x):
        return self.b(self.a(x)) + self.down(x)


def nb201_network(arch, dataset):
    _, classes = DATASETS[dataset]
    ops = parse_cell(arch)
    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16)]
    c_prev = 16
    for stage, c in enumerate((16, 32, 64)):
        if stage > 0:
            layers.append(Reduction(c_prev, c))
        layers += [Cell(ops, c) for _ in range(5)]
        c_prev = c
    layers += [nn.BatchNorm2d(64), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
               nn.Linear(64, classes)]
    return nn.Sequential(*layers)


def layer_module(l):
    op, (c, h, w), (co, ho, wo) = l["op"], l["in"], l["out"]
    k, s, g = l.get("kernel", 1), l.get("stride", 1), l.get("groups", 1)
    pad = next(p for p in range(k + 1) if (h + 2 * p - k) // s + 1 == ho)
    if op == "conv2d":
        return nn.Conv2d(c, co, k, s, pad, groups=g, bias=l.get("bias", False))
    if op == "dense":
        return nn.Sequential(nn.Flatten(), nn.Linear(c, co, bias=l.get("bias", True)))
    if op == "max_pool":
        return nn.MaxPool2d(k, s, pad)
    if op == "avg_pool":
        return nn.AvgPool2d(k, s, pad, count_include_pad=False)
    if op == "global_avg_pool":
        return nn.AdaptiveAvgPool2d(1)
    if op == "batch_norm":
        return nn.BatchNorm2d(c)
    if op == "activation":
        return {"relu": nn.ReLU, "elu": nn.ELU, "selu": nn.SELU, "swish": nn.SiLU,
                "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}[l.get("activation") or "relu"]()
    if op == "flatten":
        return nn.Flatten()
    if op == "dropout":
        return nn.Dropout()
    raise ValueError(f"layer op {op} cannot run sequentially (use NB201 mode for cells)")


def layers_network(path):
    with open(path) as f:
        layers = json.load(f)["layers"]
    first = layers[0]
    shape = (1, first["in"][0]) if first["op"] == "dense" else (1, *first["in"])
    return nn.Sequential(*[layer_module(l) for l in layers]), shape


def time_network(net, shape, warmup, runs):
    net.eval()
    x = torch.randn(*shape)
    with torch.no_grad():
        for _ in range(warmup):
            net(x)
        ms = []
        for _ in range(runs):
            start = time.perf_counter()
            net(x)
            ms.append((time.perf_counter() - start) * 1e3)
    ms.sort()
    q = statistics.quantiles(ms, n=10) if len(ms) >= 2 else [ms[0]] * 9
    return statistics.median(ms), q[0], q[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--sample", type=int, help="time this many random NAS-Bench-201 cells")
    src.add_argument("--archs", help="file with one NAS-Bench-201 cell string per line")
    src.add_argument("--layers", nargs="+", help="symnas LayerList JSON files")
    ap.add_argument("--dataset", default="cifar10", choices=sorted(DATASETS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    rows = []
    if a.layers:
        out_dir = os.path.dirname(os.path.abspath(a.out))
        for path in a.layers:
            net, shape = layers_network(path)
            med, p10, p90 = time_network(net, shape, a.warmup, a.runs)
            rows.append({"layers_json": os.path.relpath(os.path.abspath(path), out_dir),
                         "latency_ms": med, "p10_ms": p10, "p90_ms": p90, "runs": a.runs})
    else:
        if a.archs:
            with open(a.archs) as f:
                archs = [line.strip() for line in f if line.strip()]
        else:
            rng = random.Random(a.seed)
            archs = [random_cell(rng) for _ in range(a.sample)]
        hw = DATASETS[a.dataset][0]
        for i, arch in enumerate(archs):
            med, p10, p90 = time_network(nb201_network(arch, a.dataset), (1, 3, hw, hw),
                                         a.warmup, a.runs)
            rows.append({"arch": arch, "latency_ms": med, "p10_ms": p10, "p90_ms": p90,
                         "runs": a.runs})
            if (i + 1) % 25 == 0:
                print(f"{i + 1}/{len(archs)} timed", flush=True)
    with open(a.out, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {a.out} ({a.threads} thread(s), median of {a.runs})")


if __name__ == "__main__":
    main()
