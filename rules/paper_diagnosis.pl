% Diagnosis rules of the symbolic tuner (symnas dialect of ProbLog 2).
% Takes the facts the tuner extracts after each trial; produces problem(P) facts.
%
% Facts supplied by the tuner (src/tuner/facts.cpp), one set per trial:
%   l(List), a(List)       training loss / accuracy, one value per epoch
%   vl(List), va(List)     validation loss / accuracy (never the test set)
%   sl, sa, svl, sva       the same four lists smoothed by an exponential moving average
%                          (weight 0.6 on the previous smoothed value)
%   int_loss(X)            trapezoid integral of the validation loss over the epochs
%   int_slope(X)           integral of the straight line from the first to the last
%                          validation loss (same abscissae)
%   lacc(T), hloss(T)      thresholds of low_acc / high_loss; they start at 0.15 / 1.2 and
%                          are relaxed as T/2 + 0.05 / T/2 + 0.15 at iterations 7, 10, 13
%   metric(M, V)           every hardware metric M the evaluator measured or estimated
%   budget(M, B)           every budget the study sets (flops, params, peak_memory_bytes,
%                          model_size_bytes, latency_ms, energy_mj)
%   flops(F), flops_th(T), nparams(P), nparams_th(T)
%                          the original tool's names, kept so that its rules still work
%
% Thresholds are the original Symbolic DNN-Tuner's. Two of its rules were flawed and are
% fixed here (see docs/tuner.md, "What changed from the original"):
%   * up_down_loss fired on nearly every non-monotone curve (one bump in a falling curve
%     was enough); it now needs real oscillation, see below;
%   * the layer-adding tuning rules never fired (wrong arity); see rules/tuning.pl.

:- use_module(library(lists)).

% Declarations: facts that a trial may lack (no budget set, no FLOPs estimate, a table look-up
% without curves). A clause that always fails defines the predicate, so a rule that asks for
% it simply fails instead of raising UnknownClause.
l(_) :- fail.
a(_) :- fail.
vl(_) :- fail.
va(_) :- fail.
sl(_) :- fail.
sa(_) :- fail.
svl(_) :- fail.
sva(_) :- fail.
int_loss(_) :- fail.
int_slope(_) :- fail.
metric(_, _) :- fail.
budget(_, _) :- fail.
flops(_) :- fail.
flops_th(_) :- fail.
nparams(_) :- fail.
nparams_th(_) :- fail.

% ---------------------------------------------------------------------------------------------
% Helpers over curves (lists of floats). All deterministic: no probabilistic facts here.

% rise_fall(+List, -Rise, -Fall): sum of the upward steps and of the downward steps.
rise_fall([_], 0.0, 0.0).
rise_fall([X, Y | T], U, D) :- Y > X, rise_fall([Y | T], U1, D), U is U1 + Y - X.
rise_fall([X, Y | T], U, D) :- Y =< X, rise_fall([Y | T], U, D1), D is D1 + X - Y.

% ups(+List, -N): number of steps that go up.
ups([_], 0).
ups([X, Y | T], N) :- Y > X, ups([Y | T], N1), N is N1 + 1.
ups([X, Y | T], N) :- Y =< X, ups([Y | T], N).

% directions(+List, -Dirs): up/down per step (a flat step counts as down).
directions([_], []).
directions([X, Y | T], [up | Ds]) :- Y > X, directions([Y | T], Ds).
directions([X, Y | T], [down | Ds]) :- Y =< X, directions([Y | T], Ds).

% reversals(+Dirs, -R): how many times the direction changes.
reversals([], 0).
reversals([_], 0).
reversals([D, D | T], R) :- reversals([D | T], R).
reversals([D1, D2 | T], R) :- D1 \== D2, reversals([D2 | T], R1), R is R1 + 1.

% max_rise(+List, -M): the largest single upward step (0.0 if none).
max_rise([_], 0.0).
max_rise([X, Y | T], M) :- max_rise([Y | T], M1), S is Y - X, M is max(M1, S).

% mean(+List, -M).
mean(L, M) :- sum_list(L, S), length(L, N), N > 0, M is S / N.

% ---------------------------------------------------------------------------------------------
% Symptoms over learning curves (thresholds of the original).

% Train/validation accuracy gap larger than 0.2 at the last epoch.
gap_tr_te_acc :- a(A), va(VA), last(A, X), last(VA, Y), abs(X - Y) > 0.2.
% Train/validation loss gap larger than 0.2 at the last epoch.
gap_tr_te_loss :- l(L), vl(VL), last(L, X), last(VL, Y), abs(X - Y) > 0.2.
% Final validation accuracy further than lacc from 1.
low_acc :- va(VA), last(VA, X), lacc(T), abs(X - 1.0) > T.
% Final validation loss further than hloss from 0.
high_loss :- vl(VL), last(VL, X), hloss(T), abs(X) > T.

% More than half of the steps of the training loss go up. (The original divided by the number
% of epochs instead of the number of steps; we divide by the steps.)
growing_loss_trend :-
    l(L), length(L, N), N >= 3, ups(L, U), S is N - 1, U * 2 > S.

% Floating (oscillating) training loss. FIX of the original's up_down_loss, which fired as
% soon as the loss took one step up and one step down, i.e. on nearly every real curve.
% Now all four must hold:
%   * at least 4 epochs (3 steps),
%   * the direction reverses at least twice (down-up-down, not a single bump or a U shape),
%   * the back-and-forth movement min(Rise, Fall) exceeds half of the net change
%     |last - first| (equivalently: more than a quarter of the total variation is wasted
%     going back and forth), so a falling curve with small bumps does not fire,
%   * the largest single rise exceeds 5% of the mean loss level, so jitter on a plateau
%     (e.g. 0.300, 0.301, 0.300, ...) does not fire.
up_down_loss :-
    l(L), length(L, N), N >= 4,
    directions(L, Ds), reversals(Ds, R), R >= 2,
    rise_fall(L, U, D), Wasted is min(U, D), first_last_change(L, Net), Wasted > 0.5 * Net,
    max_rise(L, M), mean(L, Level), M > 0.05 * Level.

first_last_change([H | T], C) :- last([H | T], Z), C is abs(Z - H).

% Learning rate too low: the validation loss follows the straight line from its first to its
% last value (|int_loss - int_slope| < int_slope / 4); too high: it departs from it by more
% than 3/4 of the line's integral (original thresholds).
% FIX: both need at least 5 epochs. With 3 or 4 points every falling curve is close to its
% chord, so the original fired to_low_lr on nearly every short run and inc_lr (weight 0.99)
% pushed the learning rate up step after step until training diverged.
to_low_lr :- lr_curve_long_enough, int_loss(I), int_slope(S), S > 0, abs(I - S) < S / 4.
to_high_lr :- lr_curve_long_enough, int_loss(I), int_slope(S), S > 0, abs(I - S) > 3 * S / 4.
lr_curve_long_enough :- vl(VL), length(VL, N), N >= 5.

% ---------------------------------------------------------------------------------------------
% Hardware symptoms: a metric over its budget. metric/budget cover every budget of the study.
over_budget(M) :- metric(M, V), budget(M, B), V > B.
% The original's names (FLOPs and parameter count).
high_flops :- flops(F), flops_th(T), F > T.
high_numb_params :- nparams(P), nparams_th(T), P > T.

% ---------------------------------------------------------------------------------------------
% Problems.
problem(overfitting) :- gap_tr_te_acc.
problem(overfitting) :- gap_tr_te_loss.
problem(underfitting) :- low_acc.
problem(underfitting) :- high_loss.
problem(inc_loss) :- growing_loss_trend.
problem(floating_loss) :- up_down_loss.
problem(low_lr) :- to_low_lr.
problem(high_lr) :- to_high_lr.
% Generalisation of the paper's thr_exceeded: one problem per exceeded budget, e.g.
% thr_exceeded(flops), thr_exceeded(params), thr_exceeded(latency_ms).
problem(thr_exceeded(M)) :- over_budget(M).

% True when some hardware budget is exceeded (the layer-adding rules test its negation).
hw_problem :- problem(thr_exceeded(_)).

% No query/1 here: the tuner adds query(problem(_)) and query(action(_, _)) itself.
