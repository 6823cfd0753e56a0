"""PyTorch twin of symnas's CNN evaluator: search parameters -> architecture -> FLOPs and training.

Takes the canonical CNN-template parameters (docs/nn.md, "The CNN template") and produces what
symnas's `cnn` evaluator produces for them: the architecture JSON of nn::ArchFromParams, the cost
analytics of nn/cost (FLOPs = 2 x MACs + bias adds), and a training run with the protocol of
nn/trainer.cpp (same data split, standardisation, early stopping, reduce-on-plateau, best weights
restored, channels-last, 1 thread). The module itself comes from bench/nn/bench_pytorch.py's builder.
"""
import copy
import gzip
import math
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "nn"))

MASK64 = (1 << 64) - 1
FASHION_DIR = "/usr/share/datasets/fashion-mnist"

# ---------------------------------------------------------------------------------------------
# Random numbers identical to the C++ side (std::mt19937_64, SplitMix64 trial seeds).


class MT19937_64:
    """std::mt19937_64 (Matsumoto and Nishimura, 64-bit), bit-exact with libstdc++."""

    N, M = 312, 156
    MATRIX_A, UPPER, LOWER = 0xB5026F5AA96619E9, 0xFFFFFFFF80000000, 0x7FFFFFFF

    def __init__(self, seed):
        mt = [0] * self.N
        mt[0] = seed & MASK64
        for i in range(1, self.N):
            mt[i] = (6364136223846793005 * (mt[i - 1] ^ (mt[i - 1] >> 62)) + i) & MASK64
        self.mt, self.index = mt, self.N

    def _twist(self):
        mt, n, m = self.mt, self.N, self.M
        for i in range(n):
            x = (mt[i] & self.UPPER) | (mt[(i + 1) % n] & self.LOWER)
            y = x >> 1
            if x & 1:
                y ^= self.MATRIX_A
            mt[i] = mt[(i + m) % n] ^ y
        self.index = 0

    def __call__(self):
        if self.index >= self.N:
            self._twist()
        x = self.mt[self.index]
        self.index += 1
        x ^= (x >> 29) & 0x5555555555555555
        x ^= (x << 17) & 0x71D67FFFEDA60000
        x ^= (x << 37) & 0xFFF7EEE000000000
        x ^= x >> 43
        return x & MASK64


def seeded_permutation(n, seed):
    """nn::SeededPermutation: Fisher-Yates with rng() % (i + 1) on mt19937_64(seed)."""
    p = list(range(n))
    rng = MT19937_64(seed)
    for i in range(n - 1, 0, -1):
        j = rng() % (i + 1)
        p[i], p[j] = p[j], p[i]
    return p


def trial_seed(study_seed, trial_id):
    """search::TrialSeed: SplitMix64 of the study seed mixed with the trial number."""
    z = (study_seed + 0x9E3779B97F4A7C15 * (trial_id + 1)) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


# ---------------------------------------------------------------------------------------------
# Parameters -> architecture (nn::ArchFromParams) and cost analytics (nn::AnalyzeCost).

PLAIN_NAMES = {"conv_blocks", "convs_per_block", "kernel_size", "activation", "batch_norm", "pool",
               "conv_dropout", "dense_layers", "dense_dropout", "optimizer", "learning_rate",
               "batch_size", "weight_decay", "augment", "epochs"}


def arch_from_params(params, input_shape=(1, 28, 28), classes=10):
    """The architecture JSON symnas builds for `params` (defaults of the table in docs/nn.md)."""
    for name in params:
        base = name.rsplit("_", 1)
        indexed = len(base) == 2 and base[0] in ("filters", "units") and base[1].isdigit()
        if name not in PLAIN_NAMES and not indexed:
            raise ValueError(f"unknown CNN template parameter '{name}'")
    p = dict(params)
    act = p.get("activation", "relu")
    blocks = [{"filters": int(p.get(f"filters_{i}", 32 if i == 0 else 64 if i == 1 else 128)),
               "kernel_size": int(p.get("kernel_size", 3)),
               "convs": int(p.get("convs_per_block", 2)), "activation": act,
               "batch_norm": bool(int(p.get("batch_norm", 0))), "pool": p.get("pool", "max"),
               "dropout": float(p.get("conv_dropout", 0.25))}
              for i in range(int(p.get("conv_blocks", 2)))]
    dense = [{"units": int(p.get(f"units_{i}", 256)), "activation": act,
              "dropout": float(p.get("dense_dropout", 0.5))}
             for i in range(int(p.get("dense_layers", 1)))]
    training = {"optimizer": p.get("optimizer", "adam"),
                "learning_rate": float(p.get("learning_rate", 1e-3)),
                "batch_size": int(p.get("batch_size", 64)), "epochs": int(p.get("epochs", 10)),
                "weight_decay": float(p.get("weight_decay", 0.0)),
                "augment": bool(int(p.get("augment", 0))), "early_stopping_patience": 3,
                "reduce_lr_patience": 2, "reduce_lr_factor": 0.5, "min_learning_rate": 1e-6,
                "momentum": 0.9}
    c, h, w = input_shape
    return {"input": {"channels": c, "height": h, "width": w}, "classes": classes,
            "blocks": blocks, "dense": dense, "training": training}


def cost(arch):
    """nn/cost's totals: FLOPs = 2 x MACs + bias adds (conv, dense); MACs; trainable params."""
    inp = arch["input"]
    c, h, w = inp["channels"], inp["height"], inp["width"]
    flops = macs = params = 0
    for b in arch["blocks"]:
        k, f, bn = b["kernel_size"], b["filters"], b["batch_norm"]
        for _ in range(b["convs"]):
            m = h * w * c * k * k * f  # same padding, stride 1: output h x w
            macs += m
            flops += 2 * m + (0 if bn else h * w * f)
            params += c * k * k * f + (2 * f if bn else f)
            c = f
        if b["pool"] != "none":
            if h < 2 or w < 2:
                raise ValueError("2x2 pooling of a map smaller than 2x2")
            h, w = h // 2, w // 2
    features = c * h * w
    for d in arch["dense"] + [{"units": arch["classes"]}]:
        macs += features * d["units"]
        flops += 2 * features * d["units"] + d["units"]
        params += features * d["units"] + d["units"]
        features = d["units"]
    return {"flops": float(flops), "macs": float(macs), "params": float(params)}


# ---------------------------------------------------------------------------------------------
# Data: nn::LoadSplits for IDX files (validation carved by the seeded permutation).


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    dims = magic & 0xFF
    if magic >> 8 != 0x08:
        raise ValueError(f"{path}: unsupported IDX type (magic {magic:#x})")
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def _idx_file(directory, stem):
    gz = os.path.join(directory, stem + ".gz")
    return gz if os.path.exists(gz) else os.path.join(directory, stem)


def load_splits(validation_size=10000, train_subset=0, val_subset=0, split_seed=0, test=False,
                directory=FASHION_DIR):
    """Returns {"train": (x, y), "val": (x, y)[, "test": (x, y)]} as float32 NCHW / int64."""
    import torch
    images = read_idx(_idx_file(directory, "train-images-idx3-ubyte"))
    labels = read_idx(_idx_file(directory, "train-labels-idx1-ubyte"))
    n = images.shape[0]
    perm = np.array(seeded_permutation(n, split_seed), dtype=np.int64)
    val_end = min(validation_size, val_subset) if val_subset > 0 else validation_size
    train_end = min(n, validation_size + train_subset) if train_subset > 0 else n

    def take(idx):
        return (torch.from_numpy(images[idx].astype(np.float32) / 255.0).unsqueeze(1),
                torch.from_numpy(labels[idx].astype(np.int64)))

    train_x, train_y = take(perm[validation_size:train_end])
    mean = train_x.mean(dim=(0, 2, 3), keepdim=True)
    std = train_x.std(dim=(0, 2, 3), unbiased=True, keepdim=True).clamp_min(1e-6)
    out = {"train": ((train_x - mean) / std, train_y)}
    val_x, val_y = take(perm[:val_end])
    out["val"] = ((val_x - mean) / std, val_y)
    if test:
        tx = read_idx(_idx_file(directory, "t10k-images-idx3-ubyte"))
        ty = read_idx(_idx_file(directory, "t10k-labels-idx1-ubyte"))
        x = torch.from_numpy(tx.astype(np.float32) / 255.0).unsqueeze(1)
        out["test"] = ((x - mean) / std, torch.from_numpy(ty.astype(np.int64)))
    return out


# ---------------------------------------------------------------------------------------------
# Training: the protocol of nn::Train.


def _evaluate(model, x, y, batch_size=1000):
    import torch
    import torch.nn.functional as F
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for s in range(0, x.shape[0], batch_size):
            xb = x[s:s + batch_size].contiguous(memory_format=torch.channels_last)
            logits = model(xb)
            loss_sum += F.cross_entropy(logits, y[s:s + batch_size], reduction="sum").item()
            correct += int((logits.argmax(1) == y[s:s + batch_size]).sum())
    return loss_sum / x.shape[0], correct / x.shape[0]


def train(arch, data, seed, threads=1):
    """Trains `arch` on data["train"], validates on data["val"] every epoch (early stopping on the
    validation loss, patience 3; lr x 0.5 after 2 epochs without improvement; best weights
    restored); test accuracy of the restored weights if data has "test". Returns a report dict
    (val_accuracy, curves, epochs, stop_reason, diverged, wall_seconds[, test_accuracy])."""
    import torch
    import torch.nn.functional as F
    from bench_pytorch import build, optimizer as make_optimizer

    t0 = time.perf_counter()
    t = arch["training"]
    if t.get("augment"):
        raise ValueError("the twin does not implement augmentation (fixed 0 in the seed-000 space)")
    torch.set_num_threads(threads)
    torch.manual_seed(seed % (1 << 63))
    rng = MT19937_64(seed ^ 0x9E3779B97F4A7C15)
    model, _ = build(arch)
    model = model.to(memory_format=torch.channels_last)
    opt = make_optimizer(t["optimizer"], model.parameters(), t["learning_rate"],
                         t.get("weight_decay", 0.0))
    x, y = data["train"]
    n, bs = x.shape[0], t["batch_size"]
    lr, best_loss, wait, lr_wait, best_epoch = t["learning_rate"], math.inf, 0, 0, 0
    best_state = copy.deepcopy(model.state_dict())
    report = {"curves": {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []},
              "diverged": False, "stop_reason": "max_epochs"}
    for epoch in range(1, t["epochs"] + 1):
        model.train()
        order = torch.tensor(seeded_permutation(n, rng()), dtype=torch.long)
        loss_sum, correct = 0.0, 0
        for s in range(0, n, bs):
            idx = order[s:s + bs]
            xb = x.index_select(0, idx).contiguous(memory_format=torch.channels_last)
            yb = y.index_select(0, idx)
            opt.zero_grad()
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            lv = loss.item()
            if not math.isfinite(lv):
                report["diverged"] = True
                report["stop_reason"] = (f"diverged: non-finite training loss at epoch {epoch}, "
                                         f"batch {s // bs + 1}")
                break
            loss.backward()
            opt.step()
            loss_sum += lv * idx.shape[0]
            correct += int((logits.argmax(1) == yb).sum())
        if report["diverged"]:
            break
        vl, va = _evaluate(model, *data["val"])
        for key, v in (("train_loss", loss_sum / n), ("train_acc", correct / n),
                       ("val_loss", vl), ("val_acc", va)):
            report["curves"][key].append(v)
        if not math.isfinite(vl):
            report["diverged"] = True
            report["stop_reason"] = f"diverged: non-finite validation loss at epoch {epoch}"
            break
        if vl < best_loss - 1e-4:
            best_loss, best_epoch, wait, lr_wait = vl, epoch, 0, 0
            best_state = copy.deepcopy(model.state_dict())
            continue
        wait += 1
        lr_wait += 1
        if t["early_stopping_patience"] > 0 and wait >= t["early_stopping_patience"]:
            report["stop_reason"] = "early_stopping"
            break
        if t["reduce_lr_patience"] > 0 and lr_wait >= t["reduce_lr_patience"]:
            lr = max(lr * t["reduce_lr_factor"], t["min_learning_rate"])
            for g in opt.param_groups:
                g["lr"] = lr
            lr_wait = 0
    report["best_epoch"] = best_epoch
    report["epochs_run"] = len(report["curves"]["val_acc"])
    report["val_accuracy"] = 0.0
    if best_epoch > 0:
        model.load_state_dict(best_state)
        report["val_accuracy"] = report["curves"]["val_acc"][best_epoch - 1]
        report["val_loss"] = report["curves"]["val_loss"][best_epoch - 1]
        if "test" in data:
            report["test_accuracy"] = _evaluate(model, *data["test"])[1]
    report["wall_seconds"] = time.perf_counter() - t0
    return report
