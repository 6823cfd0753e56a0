#!/usr/bin/env python3
"""Noise ceiling of NAS-Bench-201 latency prediction: how well could ANY predictor do whose only
input is the cell's structure after dead-code elimination?

Takes nasbench201_hw.csv; groups the 15,625 cells by a structure key; cells with one key compute
the same network on a dead-code-eliminating runtime, so the spread of their latencies is
measurement noise (or effects no architecture feature can see). Reports Kendall tau and MAPE of the oracle on the same 15,125 test cells as
`symnas hw validate-nb201 --train-size 500` (a seeded split here, numpy's; the ceiling barely
depends on the split since groups are averaged over all cells).

Oracle: leave-one-out, i.e. each test cell that shares its key with other cells is predicted
from those others' latencies (their mean or median). Cells whose pruned structure is unique are
left out: nothing in the data says how repeatable their latency is.

Keys: output-pruned (edges not feeding node 3 replaced by none; disconnected cells -> one key), and
input+output-pruned.

With --predictions FILE (written by `symnas hw validate-nb201 --predictions FILE`), the
predictor is scored on the same cells as the oracle, so the two tau columns compare.

Usage: /usr/bin/python3 bench/hw/noise_ceiling.py ../shared/data/nasbench201_hw.csv \
           [--predictions pred.csv] [--devices raspi4,pixel3]
"""
import csv
import sys

import numpy as np
from scipy.stats import kendalltau

EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]  # (target, source), string order


def parse(arch):
    nodes = arch.strip('|').split('+')
    ops = []
    for node in nodes:
        for token in node.strip('|').split('|'):
            op, src = token.split('~')
            ops.append(op)
    return ops  # 6 ops in EDGES order


def prune(ops, use_input):
    live = [op != 'none' for op in ops]
    # feeds_out[n]: node n reaches node 3 through live edges
    feeds_out = {3: True, 2: False, 1: False, 0: False}
    for node in (2, 1, 0):
        feeds_out[node] = any(live[i] and s == node and feeds_out[t] for i, (t, s) in enumerate(EDGES))
    has_in = {0: True}
    for node in (1, 2, 3):
        has_in[node] = any(live[i] and t == node and has_in[s] for i, (t, s) in enumerate(EDGES))
    out = []
    for i, (t, s) in enumerate(EDGES):
        keep = live[i] and feeds_out[t] and (has_in[s] or not use_input)
        out.append(ops[i] if keep else 'none')
    connected = has_in[3]
    return out, connected


def key(ops, mode):
    if mode == 'raw':
        return '|'.join(ops)
    pruned, connected = prune(ops, mode == 'in+out')
    if not connected:
        return 'disconnected'
    return '|'.join(pruned)


def mape(actual, predicted):
    return float(np.mean(np.abs(predicted - actual) / actual) * 100)


def load_predictions(path):
    out = {}
    if not path:
        return out
    with open(path) as f:
        for r in csv.DictReader(f):
            out.setdefault(r['device'], {})[int(r['index'])] = float(r['predicted_ms'])
    return out


def main():
    args = sys.argv[1:]
    path = args[0]
    predictions = load_predictions(args[args.index('--predictions') + 1]
                                   if '--predictions' in args else '')
    only = args[args.index('--devices') + 1].split(',') if '--devices' in args else None
    with open(path) as f:
        rows = list(csv.DictReader(f))
    devices = [c[len('lat_ms_'):] for c in rows[0] if c.startswith('lat_ms_')]
    devices = [d for d in devices if only is None or d in only]
    cells = [parse(r['arch']) for r in rows]
    rng = np.random.default_rng(0)
    test = np.sort(rng.permutation(len(rows))[500:])
    print('| device | key | groups | cells in groups >= 2 | LOO oracle | tau | MAPE % | MdAPE % '
          '| groups max/min > 2 | predictor tau | predictor MAPE % | predictor MdAPE % |')
    print('|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|')
    for device in devices:
        lat = np.array([float(r['lat_ms_' + device]) for r in rows])
        for mode in ('out', 'in+out'):
            keys = [key(c, mode) for c in cells]
            groups = {}
            for i, k in enumerate(keys):
                groups.setdefault(k, []).append(i)
            shared = [g for g in groups.values() if len(g) >= 2]
            wide = sum(1 for g in shared if lat[g].max() / lat[g].min() > 2)
            in_test = np.zeros(len(rows), bool)
            if predictions.get(device):
                in_test[list(predictions[device].keys())] = True  # the predictor's own test split
            else:
                in_test[test] = True
            for oracle in ('mean', 'median'):
                actual, pred, model = [], [], []
                device_pred = predictions.get(device, {})
                for members in shared:
                    v = lat[members]
                    for j, i in enumerate(members):
                        if not in_test[i]:
                            continue
                        if device_pred and i not in device_pred:
                            continue  # a training cell of the predictor's split
                        others = np.delete(v, j)
                        actual.append(lat[i])
                        model.append(device_pred.get(i, np.nan))
                        pred.append(others.mean() if oracle == 'mean' else np.median(others))
                actual, pred = np.array(actual), np.array(pred)
                tau = kendalltau(actual, pred).correlation
                ape = np.abs(pred - actual) / actual * 100
                model = np.array(model)
                if device_pred:
                    m_tau = kendalltau(actual, model).correlation
                    m_ape = np.abs(model - actual) / actual * 100
                    extra = f' {m_tau:.4f} | {m_ape.mean():.2f} | {np.median(m_ape):.2f} |'
                else:
                    extra = ' - | - | - |'
                print(f'| {device} | {mode} | {len(groups)} | {len(actual)} | {oracle} | {tau:.4f} | '
                      f'{ape.mean():.2f} | {np.median(ape):.2f} | {wide} of {len(shared)} |' + extra)

    # Bound on the whole test set: every cell of unique pruned structure predicted EXACTLY,
    # every cell sharing its structure predicted by the leave-one-out median of its group.
    print()
    print('| device | test cells | tau, unique cells exact + shared cells LOO median | '
          'MAPE % | predictor tau (all test cells) |')
    print('|---|---:|---:|---:|---:|')
    for device in devices:
        if not predictions.get(device):
            continue
        lat = np.array([float(r['lat_ms_' + device]) for r in rows])
        keys = [key(c, 'out') for c in cells]
        groups = {}
        for i, k in enumerate(keys):
            groups.setdefault(k, []).append(i)
        idx = np.array(sorted(predictions[device].keys()))
        bound = []
        for i in idx:
            members = groups[keys[i]]
            if len(members) == 1:
                bound.append(lat[i])
            else:
                bound.append(np.median(lat[[m for m in members if m != i]]))
        bound = np.array(bound)
        model = np.array([predictions[device][i] for i in idx])
        ape = np.abs(bound - lat[idx]) / lat[idx] * 100
        print(f'| {device} | {len(idx)} | {kendalltau(lat[idx], bound).correlation:.4f} | '
              f'{ape.mean():.2f} | {kendalltau(lat[idx], model).correlation:.4f} |')


if __name__ == '__main__':
    main()
