#!/bin/sh
# The fixed protocol of issue 18 part 1: every device, budgets at its 10/30/50 % latency
# quantiles, 300 evaluations, 20 seeds, CIFAR-10; path_ei side by side with LS, ILS and
# symbolic_nb201, each setting scored with its Optuna TPE runs (10/50 %: run_tpe.sh; 30 %: the
# 300-trial prefixes of bench/results/nasbench201_1000/ in bench/results/nb201_local_search/).
# Two chains of devices run side by side. Run from the repo root after run_tpe.sh.
O=bench/results/nb201_search300
one() {
  d=$1
  nice -n 15 build/src/cli/symnas bench nasbench201 --device $d --task constrained --budget-quantiles 0.1 0.3 0.5 \
    --evals 300 --seeds 20 \
    --strategies path_ei,local_search,local_search:isomorphism=false:restart=perturb,symbolic_nb201 \
    --peer-runs $O/optuna_tpe_${d}_q0.1_300.json --peer-runs bench/results/nb201_local_search/optuna_tpe_${d}_300.json \
    --peer-runs $O/optuna_tpe_${d}_q0.5_300.json --no-plots --out $O/$d
}
(one raspi4; one pixel3; one fpga) &
(one gold_6226; one titan_rtx) &
wait
