#!/bin/bash
# Issue 18: symbolic_nb201 with the path model (commit 1e5c7d8, branch h18t), the fixed protocol of
# bench/results/nb201_search300 (20 seeds 0-19, 300 evaluations, CIFAR-10, 10/30/50 % latency
# quantiles, exact-cell optimum); Optuna TPE's runs are the committed ones of that folder.
set -e
cd "$(dirname "$0")/../../.."
for d in raspi4 pixel3 fpga gold_6226 titan_rtx; do
  nice -n 15 build/src/cli/symnas bench nasbench201 --device $d --task constrained \
    --budget-quantiles 0.1 0.3 0.5 --evals 300 --seeds 20 --strategies symbolic_nb201 \
    --peer-runs bench/results/nb201_search300/optuna_tpe_${d}_q0.1_300.json \
    --peer-runs bench/results/nb201_local_search/optuna_tpe_${d}_300.json \
    --peer-runs bench/results/nb201_search300/optuna_tpe_${d}_q0.5_300.json --no-plots \
    --out bench/results/nb201_symbolic_model/$d
done
