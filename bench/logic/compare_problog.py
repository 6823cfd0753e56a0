#!/usr/bin/env python3
"""symnas prob vs ProbLog 2 side by side, per program: in-process evaluation time (symnas prob
--time vs problog_time.py, which is ProbLog's run.py --time plus a CPU-time line: read + parse +
ground + compile + evaluate, as wall clock and as process CPU time), whole-process wall and CPU
time (fork/exec to exit, os.wait4) and peak RSS (/usr/bin/time). Both must print the same
answers (1e-6). On the tuner's program also warm in-process times: --warm N evaluations in one
process (`symnas prob --repeat N`, `problog_time.py ... N`), the last one timed, as the tuner
evaluates its program once per trial inside a long-running search. Programs: the tuner's program for one trial (bench_logic_tuner_program) and a
set of ProbLog's own test programs. Several repetitions, run alternately; reports medians and
the ratio of medians (ProbLog / symnas) with a 95% bootstrap interval.

  compare_problog.py [--build build] [--problog-home DIR] [--reps 10] [--json OUT.json]
"""
import argparse, json, os, random, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SUITE = ["4_bayesian_net.pl", "6_hmm_weather.pl", "8_smokers_network.pl", "10_cards.pl",
         "12_holidays.pl", "bigstack.pl", "generated.pl", "some_cycles.pl", "tc_2.pl",
         "11_ads_numerical.pl"]


def find_problog():
    for c in (os.path.join(ROOT, "..", "shared", "peers", "problog"),
              os.path.join(ROOT, "..", "..", "shared", "peers", "problog")):
        if os.path.isfile(os.path.join(c, "run.sh")):
            return os.path.realpath(c)
    return None


def run_once(cmd):
    """stdout and {in: in-process wall s, in_cpu: in-process CPU s, wall: process wall s,
    cpu: process user+sys s, rss: peak RSS MB}."""
    out_f, err_f = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    rss_f = tempfile.NamedTemporaryFile(delete=False)
    rss_f.close()
    start = time.perf_counter()
    p = subprocess.Popen(["/usr/bin/time", "-o", rss_f.name, "-f", "%M"] + cmd, stdout=out_f,
                         stderr=err_f)
    _, status, usage = os.wait4(p.pid, 0)
    m = {"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime}
    with open(rss_f.name) as f:
        m["rss"] = float(f.read().split()[-1]) / 1024.0
    os.unlink(rss_f.name)
    out_f.seek(0), err_f.seek(0)
    out, err = out_f.read().decode(), err_f.read().decode()
    for line in err.splitlines():
        if line.startswith("TIME\t"):
            m["in"] = float(line.split("\t")[1])
        if line.startswith("CPU\t"):
            m["in_cpu"] = float(line.split("\t")[1])
    return out, m


def answers(text):
    got = {}
    for line in text.splitlines():
        if "\t" in line and not line.startswith("ERROR"):
            k, v = line.rsplit("\t", 1)
            got[k] = float(v)
    return got


def ratio_ci(slow, fast, rng, n=2000):
    """Median ratio slow/fast with a percentile-bootstrap 95% interval."""
    ratios = sorted(statistics.median(rng.choices(slow, k=len(slow))) /
                    statistics.median(rng.choices(fast, k=len(fast))) for _ in range(n))
    return (statistics.median(slow) / statistics.median(fast),
            ratios[int(0.025 * n)], ratios[int(0.975 * n) - 1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--problog-home", default=find_problog())
    ap.add_argument("--reps", type=int, default=10)
    ap.add_argument("--json")
    ap.add_argument("--warm", type=int, default=3, help="evaluations per warm run (tuner only)")
    a = ap.parse_args()
    if not a.problog_home:
        sys.exit("ProbLog 2 not found (../shared/peers/problog); give --problog-home")
    symnas = os.path.join(a.build, "src", "cli", "symnas")
    tuner = tempfile.NamedTemporaryFile("w", suffix=".pl", delete=False)
    tuner.write(subprocess.check_output(
        [os.path.join(a.build, "bench", "logic", "bench_logic_tuner_program")], text=True))
    tuner.close()
    programs = [("tuner program (1 trial)", tuner.name)] + [
        (name, os.path.join(a.problog_home, "test", name)) for name in SUITE]
    rng = random.Random(42)
    rows, raw = [], {}
    for label, path in programs:
        m = {}
        for rep in range(a.reps):
            cmds = {"s": [symnas, "prob", path, "--time"],
                    "p": ["/usr/bin/python3", os.path.join(HERE, "problog_time.py"),
                          a.problog_home, path]}
            order = [("s", cmds["s"], ""), ("p", cmds["p"], "")]
            if rep % 2:
                order.reverse()
            if path == tuner.name and a.warm > 1:
                order += [("s", cmds["s"] + ["--repeat", str(a.warm)], "warm_"),
                          ("p", cmds["p"] + [str(a.warm)], "warm_")]
            outs = {}
            for who, cmd, prefix in order:
                out, values = run_once(cmd)
                outs[who] = answers(out)
                for k, v in values.items():
                    if prefix and k not in ("in", "in_cpu"):
                        continue
                    m.setdefault(who + "_" + prefix + k, []).append(v)
            s, p = outs["s"], outs["p"]
            if set(s) != set(p) or any(abs(s[k] - p[k]) > 1e-6 for k in s) or not s:
                sys.exit("answers differ on %s: %s vs %s" % (label, s, p))
        raw[label] = m
        rows.append((label, m))
    med = statistics.median
    columns = [("warm_in", "warm in-process wall (last of %d evaluations)" % a.warm),
               ("warm_in_cpu", "warm in-process CPU (last of %d evaluations)" % a.warm),
               ("in", "in-process wall"), ("in_cpu", "in-process CPU"),
               ("wall", "whole-process wall"), ("cpu", "whole-process CPU")]
    for key, title in columns:
        print("\n%s, ms (median; ratio = ProbLog / symnas, 95%% bootstrap CI)\n" % title)
        print("| program | symnas | ProbLog | ratio (95% CI) |")
        print("|---|---|---|---|")
        for label, m in rows:
            if "s_" + key not in m:
                continue
            r = ratio_ci(m["p_" + key], m["s_" + key], rng)
            print("| %s | %.2f | %.1f | %.1f× (%.1f–%.1f) |" % (
                label, 1e3 * med(m["s_" + key]), 1e3 * med(m["p_" + key]), *r))
    print("\npeak RSS, MB (median)\n\n| program | symnas | ProbLog |\n|---|---|---|")
    for label, m in rows:
        print("| %s | %.1f | %.1f |" % (label, med(m["s_rss"]), med(m["p_rss"])))
    print("\n%d repetitions per program, alternating which runs first; load average at the end: %s"
          % (a.reps, " ".join("%.1f" % x for x in os.getloadavg())))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(raw, f, indent=1)
    os.unlink(tuner.name)


main()
