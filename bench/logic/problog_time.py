#!/usr/bin/python3
"""ProbLog 2 inference on FILE.pl like the peer's run.py --time (same call, same output), but
timing the evaluation (parse + ground + compile + evaluate, imports excluded) both as wall
clock ('TIME<TAB>s') and as process CPU time ('CPU<TAB>s') on stderr.
Usage: problog_time.py PROBLOG_HOME FILE.pl [REPEAT]: with REPEAT, the evaluation runs REPEAT
times in this process and the last (warm) one is timed."""
import sys, time
sys.path.insert(0, sys.argv[1])
import warnings; warnings.simplefilter("ignore")
from problog.program import PrologFile
from problog import get_evaluatable
for _ in range(int(sys.argv[3]) if len(sys.argv) > 3 else 1):
    w0, c0 = time.perf_counter(), time.process_time()
    result = get_evaluatable().create_from(PrologFile(sys.argv[2])).evaluate()
    w1, c1 = time.perf_counter(), time.process_time()
for k in sorted(result, key=str):
    print("%s\t%.15g" % (k, result[k]))
print("TIME\t%.6f\nCPU\t%.6f" % (w1 - w0, c1 - c0), file=sys.stderr)
