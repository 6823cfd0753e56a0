% Diagnosis rules of the symbolic tuner, default profile (symnas dialect of ProbLog 2).
% Takes the facts the tuner extracts after each trial (trained, pruned or rejected before
% training); produces problem(P) facts. The paper-faithful rules are rules/paper_diagnosis.pl
% (strategy option `profile: paper`).
%
% Why these rules differ from the paper's: a NAS study trains each candidate for a few epochs on
% a subset (low fidelity). By the original's absolute thresholds (validation accuracy < 85 %,
% loss > 1.2) every such network is "underfitting", and the tuner grows networks that cannot pay
% off within the epochs it has. Here every threshold is relative: to the curve's own scale (the
% headroom 1 - accuracy left at the last epoch) or to the study's incumbent (the best feasible
% trained network so far), and "still learning" is told apart from "out of capacity".
%
% Facts supplied by the tuner (src/tuner/facts.cpp), one set per trial:
%   l(List), a(List), vl(List), va(List)   training / validation loss and accuracy per epoch
%                          (absent for a candidate rejected before training)
%   sl, sa, svl, sva, int_loss(X), int_slope(X), lacc(T), hloss(T)   as in paper_diagnosis.pl
%   metric(M, V)           every cost the evaluator measured or estimated (before training too)
%   budget(M, B)           every budget the study sets
%   incumbent(VA, A)       final validation and training accuracy of the best feasible trained
%                          trial before this one (absent until there is one)
%   max_epochs(N)          the epochs a full trial runs (a pruned trial has fewer points)
%   rejected               the candidate was rejected before training (its costs only)

:- use_module(library(lists)).

l(_) :- fail.
a(_) :- fail.
vl(_) :- fail.
va(_) :- fail.
metric(_, _) :- fail.
budget(_, _) :- fail.
incumbent(_, _) :- fail.
max_epochs(_) :- fail.
rejected :- fail.

% ---------------------------------------------------------------------------------------------
% Helpers over curves (deterministic).

% last_step(+List, -Gain): the change over the last epoch (lists of two or more values).
last_step([X, Y], G) :- G is Y - X.
last_step([_, Y, Z | T], G) :- last_step([Y, Z | T], G).

% headroom_gain(+AccList, -R): the last epoch's gain as a share of the headroom 1 - acc left
% before it; scale-free, so a curve at 0.6 and one at 0.9 are judged alike.
headroom_gain(L, R) :- last_step(L, G), last(L, Y), H is 1.0 - Y + G, H > 0.0, R is G / H.

% rising(+List): more than half of the steps go up.
ups([_], 0).
ups([X, Y | T], N) :- Y > X, ups([Y | T], N1), N is N1 + 1.
ups([X, Y | T], N) :- Y =< X, ups([Y | T], N).
rising_loss :- l(L), length(L, N), N >= 3, ups(L, U), S is N - 1, U * 2 > S.

% ---------------------------------------------------------------------------------------------
% Symptoms, relative to the curve and to the study.

% Behind: the final validation accuracy is more than 1 point below the incumbent's.
behind :- va(VA), last(VA, Y), incumbent(IV, _), Y < IV - 0.01.
% No incumbent yet (the study has no feasible trained network to compare with).
no_incumbent :- \+ incumbent(_, _).

% Undertrained: the training accuracy still closes more than 15 % of its headroom in the last
% epoch: more steps (smaller batches) or a larger step size would have taken it further.
still_learning :- a(A), length(A, N), N >= 2, headroom_gain(A, R), R > 0.15.
% Out of capacity: the training accuracy has plateaued (last gain below 5 % of the headroom)
% below the incumbent's training accuracy: more epochs would not help, more capacity might.
plateaued_low :-
    a(A), length(A, N), N >= 2, headroom_gain(A, R), R < 0.05,
    last(A, X), incumbent(_, IA), X < IA - 0.01.
% Overfitting, relative: the train/validation gap exceeds 0.1 and the incumbent's gap by 0.05.
wide_gap :-
    a(A), va(VA), last(A, X), last(VA, Y), G is X - Y, G > 0.1, \+ gap_like_incumbent(G).
gap_like_incumbent(G) :- incumbent(IV, IA), IG is IA - IV, G =< IG + 0.05.
% Diverging: the training loss mostly rises.
diverging :- rising_loss.

% Hardware: a metric over its budget (known before training for FLOPs, params, memory, size).
over_budget(M) :- metric(M, V), budget(M, B), V > B.

% ---------------------------------------------------------------------------------------------
% Problems.
problem(undertrained) :- still_learning, behind.
problem(undertrained) :- still_learning, no_incumbent.
problem(underfitting) :- plateaued_low, \+ still_learning.
problem(overfitting) :- wide_gap, behind.
problem(inc_loss) :- diverging.
problem(thr_exceeded(M)) :- over_budget(M).

% True when some hardware budget is exceeded (the capacity-adding rules test its negation).
hw_problem :- problem(thr_exceeded(_)).

% --- int8 / quantisation (issue 13) ---
% Facts (src/tuner/facts.cpp), present only for a trial whose int8 model was measured (the cnn
% evaluator's `int8: true`):
%   quant_drop(D)      validation accuracy lost by the int8 (QDQ) model: fp32 minus int8, a
%                      fraction like the accuracy (0.02 = 2 points)
%   quant_drop_th(B)   the study's budget on it (a constraint quant_drop: B), if any
% quant_drop is not a hardware metric: it gives no metric/budget fact, so no thr_exceeded.
% problem(quant_drop): the drop exceeds the study's budget or, without one, 0.01 (one point of
% validation accuracy). Post-training int8 of the template's networks usually costs well under
% a point (docs/nn.md, "int8"); a drop above one point means the network itself quantises
% badly (wide activation ranges set by a few outliers, narrow layers), not measurement noise.
quant_drop(_) :- fail.
quant_drop_th(_) :- fail.
quant_drop_limit(B) :- quant_drop_th(B).
quant_drop_limit(0.01) :- \+ quant_drop_th(_).
problem(quant_drop) :- quant_drop(D), quant_drop_limit(T), D > T.
% --- end int8 / quantisation ---

% --- several devices (issue 18) ---
% A study may budget one metric on several devices: metric M@D is metric M on device D (e.g.
% latency_ms@raspi4, reported by the cnn evaluator's `devices:` option and by nasbench201).
%   device_metric(MD, M, D)  supplied for every metric or budget name MD of that form
device_metric(_, _, _) :- fail.
% Which device's budget is exceeded: device_exceeded(D, M) names the device and the metric.
problem(device_exceeded(D, M)) :- over_budget(MD), device_metric(MD, M, D).
% The metric's own remedies apply whichever device is over: the tuning rules of
% thr_exceeded(M) (latency_ms, energy_mj, peak_memory_bytes, ...) fire for M@D too.
problem(thr_exceeded(M)) :- over_budget(MD), device_metric(MD, M, _).
% --- end several devices ---
