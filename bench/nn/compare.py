#!/usr/bin/python3
"""Training throughput, symnas vs PyTorch for Python, side by side, over several networks.

Per network and round, interleaved: symnas (bench_nn_train: nn::Train's module, optimiser and
CPU set-up), symnas without its CPU set-up (the ablation), PyTorch NCHW and channels-last as
PyTorch ships (torch.set_num_threads only), and PyTorch "tuned": the same three settings symnas
makes (OPENBLAS_NUM_THREADS = threads, glibc malloc keeping freed memory, denormals flushed).
Same architecture, optimiser, batch (the network's own), images, threads; synthetic in-memory
data on both sides.
Writes summary.md and summary.json (mean ratio and 95 % t-interval over rounds) to --out; the
ratios are also given per CPU-second of each process (both benches report it), which other load
on a shared machine disturbs far less than wall time.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26}
MALLOC = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824"


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def run(cmd, env=None):
    """(images per wall second, images per CPU-second of the process) of one bench run."""
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {out.stderr}")
    words = out.stdout.split()
    return float(words[2]), float(words[words.index("images_per_cpu_second") + 1].rstrip(")"))


def ci(values):
    m = statistics.mean(values)
    if len(values) < 2:
        return m, float("nan")
    return m, T95.get(len(values) - 1, 1.96) * statistics.stdev(values) / len(values) ** 0.5


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--archs", default="examples/arch/default.json,examples/arch/small_bn_swish.json,"
                    "examples/arch/cifar10_three_blocks.json")
    ap.add_argument("--images", type=int, default=1280)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--symnas-bench", default=os.path.join(ROOT, "build/bench/nn/bench_nn_train"))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench/results/nn"))
    a = ap.parse_args()
    py = "/usr/bin/python3"
    pt = os.path.join(ROOT, "bench/nn/bench_pytorch.py")
    results = []
    for arch in a.archs.split(","):
        path = arch if os.path.isabs(arch) else os.path.join(ROOT, arch)
        batch = json.load(open(path)).get("training", {}).get("batch_size", 64)
        common = ["--arch", path, "--threads", str(a.threads), "--images", str(a.images),
                  "--batch", str(batch)]
        tuned = {"OPENBLAS_NUM_THREADS": str(a.threads), "GLIBC_TUNABLES": MALLOC}
        rows = []
        for r in range(1, a.rounds + 1):
            load = os.getloadavg()[0]
            runs = {
                "symnas": run([a.symnas_bench] + common),
                "symnas_nchw": run([a.symnas_bench] + common + ["--nchw"]),
                "symnas_no_cpu_setup": run([a.symnas_bench] + common + ["--no-cpu-setup"]),
                "pytorch_nchw": run([py, pt] + common),
                "pytorch_cl": run([py, pt] + common + ["--channels-last"]),
                "pytorch_tuned_nchw": run([py, pt] + common + ["--flush-denormal"], tuned),
                "pytorch_tuned_cl": run([py, pt] + common + ["--channels-last", "--flush-denormal"],
                                        tuned),
            }
            row = {"round": r, "load": round(load, 2), **{k: v[0] for k, v in runs.items()}}
            cpu = {k: v[1] for k, v in runs.items()}
            # Per CPU-second: on a shared machine the wall figure counts other processes' time.
            row["cpu_ratio_vs_pytorch_tuned"] = cpu["symnas"] / max(cpu["pytorch_tuned_nchw"],
                                                                     cpu["pytorch_tuned_cl"])
            row["cpu_ratio_vs_pytorch"] = cpu["symnas"] / max(cpu["pytorch_nchw"],
                                                               cpu["pytorch_cl"])
            best_pt = max(row["pytorch_nchw"], row["pytorch_cl"])
            best_tuned = max(row["pytorch_tuned_nchw"], row["pytorch_tuned_cl"])
            best_sym = max(row["symnas"], row["symnas_nchw"])
            row["ratio_vs_pytorch"] = row["symnas"] / best_pt
            row["ratio_vs_pytorch_tuned"] = row["symnas"] / best_tuned
            row["ratio_best_layout_vs_pytorch"] = best_sym / best_pt
            rows.append(row)
            print(f"{os.path.basename(path)} round {r} (load {load:.1f}): symnas {row['symnas']:.0f} "
                  f"(nchw {row['symnas_nchw']:.0f}, no cpu set-up {row['symnas_no_cpu_setup']:.0f}) | "
                  f"pytorch nchw {row['pytorch_nchw']:.0f}, cl {row['pytorch_cl']:.0f} | tuned "
                  f"{row['pytorch_tuned_nchw']:.0f}, {row['pytorch_tuned_cl']:.0f} img/s | ratio "
                  f"{row['ratio_vs_pytorch']:.2f} vs pytorch, {row['ratio_vs_pytorch_tuned']:.2f} vs "
                  f"tuned (per CPU-second {row['cpu_ratio_vs_pytorch']:.2f}, "
                  f"{row['cpu_ratio_vs_pytorch_tuned']:.2f})", flush=True)
        summary = {k: ci([row[k] for row in rows]) for k in rows[0] if k not in ("round", "load")}
        results.append({"arch": arch, "batch": batch, "rounds": rows, "summary": summary})
    os.makedirs(a.out, exist_ok=True)
    meta = {"cpu": cpu_model(), "cores": os.cpu_count(), "threads": a.threads, "images": a.images,
            "rounds": a.rounds, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "command": " ".join(["bench/nn/compare.py"] + sys.argv[1:])}
    json.dump({"meta": meta, "networks": results}, open(os.path.join(a.out, "summary.json"), "w"),
              indent=1)
    with open(os.path.join(a.out, "summary.md"), "w") as f:
        f.write(f"# Training throughput, symnas vs PyTorch for Python\n\n{meta['cpu']}, "
                f"{meta['cores']} cores, {a.threads} thread(s), {a.images} images per run, "
                f"{a.rounds} rounds, {meta['date']}; `{meta['command']}`. Images/s, mean ± 95 % "
                "t-interval over rounds; ratios are per round, then averaged.\n\n")
        f.write("| network (batch) | symnas | symnas NCHW | symnas w/o CPU set-up | PyTorch NCHW | "
                "PyTorch CL | PyTorch tuned NCHW | PyTorch tuned CL | symnas / best PyTorch | "
                "symnas / best tuned PyTorch | per CPU-second: symnas / best PyTorch | per "
                "CPU-second: symnas / best tuned PyTorch |\n"
                "|---|---|---|---|---|---|---|---|---|---|---|---|\n")
        for n in results:
            s = n["summary"]
            cell = lambda k: f"{s[k][0]:.0f} ± {s[k][1]:.0f}"
            ratio = lambda k: f"{s[k][0]:.2f} ± {s[k][1]:.2f}"
            f.write(f"| {os.path.basename(n['arch'])} ({n['batch']}) | {cell('symnas')} | "
                    f"{cell('symnas_nchw')} | {cell('symnas_no_cpu_setup')} | {cell('pytorch_nchw')} | "
                    f"{cell('pytorch_cl')} | {cell('pytorch_tuned_nchw')} | {cell('pytorch_tuned_cl')} | "
                    f"**{ratio('ratio_vs_pytorch')}** | {ratio('ratio_vs_pytorch_tuned')} | "
                    f"{ratio('cpu_ratio_vs_pytorch')} | {ratio('cpu_ratio_vs_pytorch_tuned')} |\n")
        f.write("\nPer round (load = 1-min load average before the round):\n\n")
        for n in results:
            for row in n["rounds"]:
                f.write(f"- {os.path.basename(n['arch'])} round {row['round']} (load {row['load']}): "
                        f"symnas {row['symnas']:.0f}, NCHW {row['symnas_nchw']:.0f}, w/o set-up "
                        f"{row['symnas_no_cpu_setup']:.0f}; PyTorch {row['pytorch_nchw']:.0f} / "
                        f"{row['pytorch_cl']:.0f}, tuned {row['pytorch_tuned_nchw']:.0f} / "
                        f"{row['pytorch_tuned_cl']:.0f}; ratio {row['ratio_vs_pytorch']:.2f}, vs "
                        f"tuned {row['ratio_vs_pytorch_tuned']:.2f}; per CPU-second "
                        f"{row['cpu_ratio_vs_pytorch']:.2f}, vs tuned "
                        f"{row['cpu_ratio_vs_pytorch_tuned']:.2f}\n")
    print(open(os.path.join(a.out, "summary.md")).read())


if __name__ == "__main__":
    main()
