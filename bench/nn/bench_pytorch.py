#!/usr/bin/python3
"""Training throughput of PyTorch for Python on the same network as bench_nn_train.

Takes an architecture JSON (examples/arch/), builds the identical nn.Sequential (same layer
order as src/nn/model.cpp), trains on the same number of synthetic in-memory images with the
same batch size, optimiser and thread count, and prints images/second.
"""
import argparse
import json
import time

import torch
import torch.nn as nn

ACTIVATIONS = {"relu": nn.ReLU, "elu": nn.ELU, "selu": nn.SELU,
               "swish": nn.SiLU}


def build(arch):
    """The module of src/nn/model.cpp: conv blocks, flatten, dense layers, classifier."""
    inp = arch.get("input", {})
    c, h, w = inp.get("channels", 1), inp.get("height", 28), inp.get("width", 28)
    layers = []
    for b in arch.get("blocks", []):
        k, bn = b.get("kernel_size", 3), b.get("batch_norm", False)
        for _ in range(b.get("convs", 2)):
            layers.append(nn.Conv2d(c, b.get("filters", 32), k, padding=k // 2, bias=not bn))
            c = b.get("filters", 32)
            if bn:
                layers.append(nn.BatchNorm2d(c))
            layers.append(ACTIVATIONS[b.get("activation", "relu")]())
        pool = b.get("pool", "max")
        if pool == "max":
            layers.append(nn.MaxPool2d(2))
        elif pool == "avg":
            layers.append(nn.AvgPool2d(2))
        if pool != "none":
            h, w = h // 2, w // 2
        if b.get("dropout", 0.25) > 0:
            layers.append(nn.Dropout(b.get("dropout", 0.25)))
    layers.append(nn.Flatten())
    features = c * h * w
    for d in arch.get("dense", []):
        layers += [nn.Linear(features, d.get("units", 256)), ACTIVATIONS[d.get("activation", "relu")]()]
        if d.get("dropout", 0.5) > 0:
            layers.append(nn.Dropout(d.get("dropout", 0.5)))
        features = d.get("units", 256)
    layers.append(nn.Linear(features, arch.get("classes", 10)))
    return nn.Sequential(*layers), (inp.get("channels", 1), inp.get("height", 28), inp.get("width", 28))


def optimizer(name, params, lr, wd, momentum=0.9):
    """nn::MakeOptimizer's optimiser: momentum (training.momentum, default 0.9) for SGD and
    RMSprop, as symnas sets it (RMSprop without it was a different, cheaper optimiser)."""
    table = {"adam": torch.optim.Adam, "adamax": torch.optim.Adamax, "adagrad": torch.optim.Adagrad,
             "adadelta": torch.optim.Adadelta}
    if name in ("sgd", "rmsprop"):
        cls = torch.optim.SGD if name == "sgd" else torch.optim.RMSprop
        return cls(params, lr=lr, weight_decay=wd, momentum=momentum)
    return table[name](params, lr=lr, weight_decay=wd)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--arch", required=True)
    ap.add_argument("--images", type=int, default=6400)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--channels-last", action="store_true",
                    help="use the channels-last layout symnas uses (default: PyTorch's NCHW)")
    ap.add_argument("--flush-denormal", action="store_true",
                    help="torch.set_flush_denormal(True), as symnas's CPU set-up does")
    a = ap.parse_args()
    if a.flush_denormal:
        torch.set_flush_denormal(True)
    arch = json.load(open(a.arch))
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model, shape = build(arch)
    train = arch.get("training", {})
    opt = optimizer(train.get("optimizer", "adam"), model.parameters(),
                    train.get("learning_rate", 1e-3), train.get("weight_decay", 0.0),
                    train.get("momentum", 0.9))
    model.train()
    steps = (a.images + a.batch - 1) // a.batch
    x = torch.randn(a.batch, *shape)
    y = torch.randint(0, arch.get("classes", 10), (a.batch,))
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)

    def step():
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    print(f"pytorch images_per_second {steps * a.batch / s:.1f} (images {steps * a.batch}, "
          f"batch {a.batch}, threads {a.threads}, "
          f"{'channels_last' if a.channels_last else 'nchw'}, {s:.2f} s, "
          f"images_per_cpu_second {steps * a.batch / cpu_s:.1f})")


if __name__ == "__main__":
    main()
