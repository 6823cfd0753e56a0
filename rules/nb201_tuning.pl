% Probabilistic tuning rules of the `symbolic_nb201` strategy (cell spaces such as
% NAS-Bench-201). Takes the problem(P) facts of rules/nb201_diagnosis.pl; produces
% action(A, P): the probability that cell move A is made because of problem P.
%
% Each action is a move in the cell space (`symnas explain --actions` lists them), producing the
% next cell to evaluate, never one evaluated before:
%   cheapen_costliest  the told cell with its costliest operation one step cheaper
%   cheapen_exceeded   the told cell's single-edge change that lowers most the estimated cost
%                      of its worst exceeded budget (that device's own costs)
%   upgrade_cheapest   the told cell with its cheapest operation one step costlier
%   mutate_edge        the anchor with one edge changed (the base local search)
%   perturb            the best cell with two edges changed (iterated local search)
%   restart            a random cell
%   model_jump         the unseen within-budget cell of largest expected improvement under the
%                      path model (a Bayesian linear regression on path encodings of the scored
%                      cells); mutate_edge and perturb also try their candidates in that order
% Weights are re-learnt by learning from interpretations from whether each move produced a
% cell better than the one it started from (study objective: feasibility first, then accuracy).
% When no rule fires, or no fired move applies, the strategy makes mutate_edge (then perturb,
% then restart): the rules steer a local search, as in the paper they steer BO.

% Latency budget exceeded -> make the costliest operation cheaper.
t(0.9)::action(cheapen_costliest, over_budget) :- problem(over_budget).
% A device's budget exceeded (several devices) -> the change that helps on that device.
t(0.9)::action(cheapen_exceeded, device_budget_exceeded) :- problem(device_budget_exceeded).
% Room in the budget -> upgrade an operation.
t(0.5)::action(upgrade_cheapest, slack) :- problem(slack).
% Accuracy below the anchor's -> keep searching the anchor's neighbourhood.
t(0.5)::action(mutate_edge, low_accuracy) :- problem(low_accuracy).
% ... or jump to the cell the path model expects most from.
t(0.5)::action(model_jump, low_accuracy) :- problem(low_accuracy).
% Local optimum -> a bigger step from the anchor, or start afresh.
t(0.8)::action(perturb, local_optimum) :- problem(local_optimum).
t(0.2)::action(restart, local_optimum) :- problem(local_optimum).
t(0.5)::action(model_jump, local_optimum) :- problem(local_optimum).
t(0.3)::action(restart, stagnation) :- problem(stagnation).
