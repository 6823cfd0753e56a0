% Diagnosis rules of the `symbolic_nb201` strategy (cell spaces such as NAS-Bench-201).
% Takes the facts the strategy states about the trial just told (src/tuner/cell_strategy.cpp);
% produces problem(P) facts.
%
% Facts supplied by the strategy, one set per trial:
%   op(E, Op)              the operation of edge dimension E in the told cell
%   costliest_op(Op)       the costliest operation of the told cell (cost order of the strategy)
%   budget_ratio(M, R)     metric / budget of every budget of the study (R > 1: over budget)
%   feasible               the told cell respects every budget
%   new_best               the told cell beats every cell evaluated before it
%   new_anchor             the told cell beats the anchor (the centre of the local search)
%   since_improvement(N)   trials since the anchor last improved
%   unseen_neighbours(N)   single-edge changes of the anchor not evaluated yet
%   failed                 the evaluation failed

op(_, _) :- fail.
costliest_op(_) :- fail.
budget_ratio(_, _) :- fail.
feasible :- fail.
new_best :- fail.
new_anchor :- fail.
since_improvement(_) :- fail.
unseen_neighbours(_) :- fail.
failed :- fail.

% Tunable constants: a feasible cell using less than slack_below of a budget has room for a
% costlier operation; stagnation after this many trials without a better anchor.
slack_below(0.85).
stagnation_after(150).

% Some budget exceeded.
problem(over_budget) :- budget_ratio(_, R), R > 1.0.
% Within every budget with room to spare (and there is a budget at all).
problem(slack) :- feasible, budget_ratio(_, _), \+ tight, \+ failed.
tight :- budget_ratio(_, R), slack_below(S), R >= S.
% A feasible cell no better than the anchor: the neighbourhood search goes on from the anchor.
problem(low_accuracy) :- feasible, \+ new_anchor, \+ failed.
% Every single-edge change of the anchor has been evaluated: a local optimum.
problem(local_optimum) :- unseen_neighbours(0).
% No better anchor for a long time.
problem(stagnation) :- since_improvement(N), stagnation_after(T), N >= T.

% --- several devices (issue 18) ---
% A budget on metric M of device D is named M@D (latency_ms@raspi4, latency_ms@fpga, ...).
%   device_metric(MD, M, D)  supplied for every budgeted metric MD of that form
device_metric(_, _, _) :- fail.
% Which device's budget the told cell exceeds: device_over_budget(D, M) names the device.
problem(device_over_budget(D, M)) :- budget_ratio(MD, R), R > 1.0, device_metric(MD, M, D).
% Some device's budget exceeded (the ground problem the tuning rules act on; the move it
% triggers finds the device the cell exceeds most).
problem(device_budget_exceeded) :- problem(device_over_budget(_, _)).
% --- end several devices ---
