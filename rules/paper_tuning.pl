% Probabilistic tuning rules of the symbolic tuner (symnas dialect of ProbLog 2).
% Takes the problem(P) facts derived by rules/diagnosis.pl; produces action(A, P) with the
% probability that action A is applied because of problem P.
%
% Form of a tuning rule:   t(W)::action(Action, Problem) :- Body.
%   * Action must be the name of a registered C++ tuning action (`symnas explain --actions`
%     lists them); a rule naming any other action is rejected when the study starts.
%   * The head must be ground (one rule per action and problem): each rule is one learnable
%     parameter, identified by its head, e.g. action(dec_layers,thr_exceeded(flops)).
%   * W is the initial weight; t(_) starts at 0.5. After every trial the weights are re-learnt
%     by learning from interpretations from whether each applied action improved the study's
%     objective. Learned weights are stored in the study database; this file is never rewritten.
%
% Initial weights are those of the original Symbolic DNN-Tuner (branch ai@edge) and of the
% paper (Bellodi et al. 2023, Fig. 3 for thr_exceeded).

% Overfitting: regularise (L2 + batch norm), more dropout, data augmentation.
t(0.99)::action(reg_l2, overfitting) :- problem(overfitting).
t(0.4)::action(inc_dropout, overfitting) :- problem(overfitting).
t(0.5)::action(data_augmentation, overfitting) :- problem(overfitting).

% Underfitting: more capacity, smaller learning rate. Capacity is only added while no hardware
% budget is exceeded (a wider or deeper network that is already too expensive makes it worse;
% in the paper's Tables I-IV inc_neurons never accompanies thr_exceeded either).
t(0.3)::action(decr_lr, underfitting) :- problem(underfitting).
t(0.5)::action(inc_neurons, underfitting) :- problem(underfitting), \+ hw_problem.
% Layer-adding rules. In the original they had the wrong arity and never fired; here they have
% the same form as every other rule, and they only fire when no hardware budget is exceeded
% (adding a layer to a network that is already too expensive makes it worse).
t(0.45)::action(new_fc_layer, underfitting) :- problem(underfitting), \+ hw_problem.
t(0.45)::action(new_conv_layer, underfitting) :- problem(underfitting), \+ hw_problem.

% Loss trend and learning rate.
t(0.99)::action(decr_lr, inc_loss) :- problem(inc_loss).
t(0.99)::action(decr_lr, high_lr) :- problem(high_lr).
t(0.99)::action(inc_lr, low_lr) :- problem(low_lr).

% Floating (oscillating) loss: larger batches, smaller learning rate.
t(0.3)::action(inc_batch_size, floating_loss) :- problem(floating_loss).
t(0.15)::action(decr_lr, floating_loss) :- problem(floating_loss).

% Hardware budgets (the paper's thr_exceeded, generalised to every budget of the study).
% Every metric: fewer neurons (0.4) and one convolution less (0.7), as in the paper's Fig. 3.
t(0.4)::action(dec_neurons, thr_exceeded(flops)) :- problem(thr_exceeded(flops)).
t(0.7)::action(dec_layers, thr_exceeded(flops)) :- problem(thr_exceeded(flops)).
t(0.3)::action(dec_convs_per_block, thr_exceeded(flops)) :- problem(thr_exceeded(flops)).

t(0.4)::action(dec_neurons, thr_exceeded(params)) :- problem(thr_exceeded(params)).
t(0.7)::action(dec_layers, thr_exceeded(params)) :- problem(thr_exceeded(params)).
t(0.5)::action(dec_widest_layer, thr_exceeded(params)) :- problem(thr_exceeded(params)).

% Memory and model size are dominated by the widest layer: also shrink it.
t(0.4)::action(dec_neurons, thr_exceeded(peak_memory_bytes)) :-
    problem(thr_exceeded(peak_memory_bytes)).
t(0.7)::action(dec_layers, thr_exceeded(peak_memory_bytes)) :-
    problem(thr_exceeded(peak_memory_bytes)).
t(0.5)::action(dec_widest_layer, thr_exceeded(peak_memory_bytes)) :-
    problem(thr_exceeded(peak_memory_bytes)).

t(0.4)::action(dec_neurons, thr_exceeded(model_size_bytes)) :-
    problem(thr_exceeded(model_size_bytes)).
t(0.7)::action(dec_layers, thr_exceeded(model_size_bytes)) :-
    problem(thr_exceeded(model_size_bytes)).
t(0.5)::action(dec_widest_layer, thr_exceeded(model_size_bytes)) :-
    problem(thr_exceeded(model_size_bytes)).

% Latency and energy follow the amount of computation, like FLOPs.
t(0.4)::action(dec_neurons, thr_exceeded(latency_ms)) :- problem(thr_exceeded(latency_ms)).
t(0.7)::action(dec_layers, thr_exceeded(latency_ms)) :- problem(thr_exceeded(latency_ms)).
t(0.3)::action(dec_convs_per_block, thr_exceeded(latency_ms)) :-
    problem(thr_exceeded(latency_ms)).

t(0.4)::action(dec_neurons, thr_exceeded(energy_mj)) :- problem(thr_exceeded(energy_mj)).
t(0.7)::action(dec_layers, thr_exceeded(energy_mj)) :- problem(thr_exceeded(energy_mj)).
t(0.3)::action(dec_convs_per_block, thr_exceeded(energy_mj)) :-
    problem(thr_exceeded(energy_mj)).
