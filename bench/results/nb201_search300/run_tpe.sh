#!/bin/sh
# Optuna TPE peer for the 10 % and 50 % budgets (300 trials, 20 seeds; the 30 % runs are the
# first 300 trials of bench/results/nasbench201_1000/optuna_tpe_*.json). Run from the repo root.
set -e
out=bench/results/nb201_search300
for spec in raspi4:8.045:0.1 pixel3:3.274:0.1 fpga:2.362:0.1 gold_6226:6.206:0.1 titan_rtx:4.706:0.1 \
            raspi4:25.68:0.5 pixel3:10.68:0.5 fpga:3.725:0.5 gold_6226:9.611:0.5 titan_rtx:6.376:0.5; do
  d=${spec%%:*}; rest=${spec#*:}; ms=${rest%%:*}; q=${rest#*:}
  nice -n 19 /usr/bin/python3 bench/tabular/optuna_nb201.py --data data/nasbench201/nasbench201_hw.csv \
    --task constrained --device $d --budget-ms $ms --evals 300 \
    --seeds 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 --out $out/optuna_tpe_${d}_q${q}_300.json.part
  mv $out/optuna_tpe_${d}_q${q}_300.json.part $out/optuna_tpe_${d}_q${q}_300.json
  echo "$(date -u +%H:%M:%S) done $d $ms"
done
