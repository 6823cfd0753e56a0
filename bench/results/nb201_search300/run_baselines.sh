#!/bin/sh
# LS, ILS and symbolic_nb201 on every device and budget quantile (300 evaluations, 20 seeds),
# each scored with that device's TPE runs (10/50 %: run_tpe.sh; 30 %: the 300-trial prefixes of
# bench/results/nasbench201_1000/, in bench/results/nb201_local_search/). Run from the repo root.
O=bench/results/nb201_search300
for d in raspi4 pixel3 fpga gold_6226 titan_rtx; do
  nice -n 15 build/src/cli/symnas bench nasbench201 --device $d --task constrained --budget-quantiles 0.1 0.3 0.5 \
    --evals 300 --seeds 20 \
    --strategies local_search,local_search:isomorphism=false:restart=perturb,symbolic_nb201 \
    --peer-runs $O/optuna_tpe_${d}_q0.1_300.json --peer-runs bench/results/nb201_local_search/optuna_tpe_${d}_300.json \
    --peer-runs $O/optuna_tpe_${d}_q0.5_300.json --no-plots --out $O/baselines/$d
done
