% Pruning rules of the `symbolic` pruner (symnas dialect of ProbLog 2): after each epoch of a
% running trial, is its curve hopeless against the incumbent? Used by any strategy with
% `pruner: symbolic` in the study config (src/tuner/pruner.cpp). The trial is stopped when
% P(prune) >= 0.5; the proof's symptom is stored with the trial as its diagnosis.
%
% Facts supplied by the pruner, one set per epoch:
%   va(List)               validation accuracy of the epochs run so far
%   epoch(E), max_epochs(N)
%   incumbent_final(V)     final validation accuracy of the best feasible trained trial so far
%   incumbent_at(E, V)     its validation accuracy at epoch E (absent if its curve is shorter)
%   chance(C)              accuracy of guessing (1 / classes when known, else 0.1)
% Nothing is pruned before there is an incumbent.

:- use_module(library(lists)).

va(_) :- fail.
epoch(_) :- fail.
max_epochs(_) :- fail.
incumbent_final(_) :- fail.
incumbent_at(_, _) :- fail.
chance(_) :- fail.

% The latest gain: from the previous epoch, or from chance after the first epoch.
latest_gain(G) :- va(VA), length(VA, 1), VA = [X], chance(C), G is X - C.
latest_gain(G) :- va(VA), length(VA, N), N >= 2, last_two(VA, X, Y), G is Y - X.
last_two([X, Y], X, Y).
last_two([_, Y, Z | T], A, B) :- last_two([Y, Z | T], A, B).

% Optimistic projection: the latest gain kept up for every remaining epoch. Learning curves are
% concave, so the trial will almost surely end below it.
projected_final(P) :-
    va(VA), last(VA, X), epoch(E), max_epochs(N), latest_gain(G), G1 is max(G, 0.0),
    P is X + (N - E) * G1.

% Hopeless: even the optimistic projection ends more than 0.5 points below the incumbent.
hopeless :- projected_final(P), incumbent_final(I), P < I - 0.005.
% At chance level after an epoch while the incumbent was well above it at the same epoch.
stuck_at_chance :-
    va(VA), last(VA, X), chance(C), X < C + 0.05, epoch(E), incumbent_at(E, V), V > C + 0.2.

prune_reason(hopeless) :- hopeless.
prune_reason(stuck_at_chance) :- stuck_at_chance.
