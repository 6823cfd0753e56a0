% Probabilistic tuning rules of the symbolic tuner, default profile (symnas dialect of ProbLog 2).
% Takes the problem(P) facts of rules/diagnosis.pl; produces action(A, P) with the probability
% that action A is applied because of problem P. Form and learning as in rules/paper_tuning.pl
% (the paper-faithful rules, `profile: paper`): t(W)::action(Action, Problem) :- Body, W the
% initial weight, re-learnt by LFI from whether each applied action helped (judged against the
% study's incumbent, not the previous trial).
%
% Initial weights: the paper's for the hardware rules (Fig. 3); the learning-speed rules start
% at 0.5 (no prior knowledge), the capacity rules lower than in the paper (0.3) because a
% bigger network rarely pays off within a few epochs.

% Undertrained (still learning at the last epoch, behind the incumbent): with the epochs fixed,
% take more steps (smaller batches) or larger ones (higher learning rate).
t(0.5)::action(dec_batch_size, undertrained) :- problem(undertrained).
t(0.5)::action(inc_lr, undertrained) :- problem(undertrained).

% Out of capacity (training accuracy plateaued below the incumbent's): grow, within budget.
t(0.3)::action(inc_neurons, underfitting) :- problem(underfitting), \+ hw_problem.
t(0.3)::action(new_fc_layer, underfitting) :- problem(underfitting), \+ hw_problem.
t(0.3)::action(new_conv_layer, underfitting) :- problem(underfitting), \+ hw_problem.

% Overfitting relative to the incumbent: regularise.
t(0.5)::action(reg_l2, overfitting) :- problem(overfitting).
t(0.4)::action(inc_dropout, overfitting) :- problem(overfitting).

% A rising training loss: smaller steps.
t(0.99)::action(decr_lr, inc_loss) :- problem(inc_loss).

% Hardware budgets. With the default profile these fire on candidates rejected before training
% (the inner BO already avoids candidates over a budget it can estimate, so a rejection means
% the space itself is mostly over budget and must shrink) and on trained trials over a budget
% known only after training.
t(0.4)::action(dec_neurons, thr_exceeded(flops)) :- problem(thr_exceeded(flops)).
t(0.7)::action(dec_layers, thr_exceeded(flops)) :- problem(thr_exceeded(flops)).
t(0.3)::action(dec_convs_per_block, thr_exceeded(flops)) :- problem(thr_exceeded(flops)).

t(0.4)::action(dec_neurons, thr_exceeded(params)) :- problem(thr_exceeded(params)).
t(0.7)::action(dec_layers, thr_exceeded(params)) :- problem(thr_exceeded(params)).
t(0.5)::action(dec_widest_layer, thr_exceeded(params)) :- problem(thr_exceeded(params)).

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

t(0.4)::action(dec_neurons, thr_exceeded(latency_ms)) :- problem(thr_exceeded(latency_ms)).
t(0.7)::action(dec_layers, thr_exceeded(latency_ms)) :- problem(thr_exceeded(latency_ms)).
t(0.3)::action(dec_convs_per_block, thr_exceeded(latency_ms)) :-
    problem(thr_exceeded(latency_ms)).

t(0.4)::action(dec_neurons, thr_exceeded(energy_mj)) :- problem(thr_exceeded(energy_mj)).
t(0.7)::action(dec_layers, thr_exceeded(energy_mj)) :- problem(thr_exceeded(energy_mj)).
t(0.3)::action(dec_convs_per_block, thr_exceeded(energy_mj)) :-
    problem(thr_exceeded(energy_mj)).

% --- int8 / quantisation (issue 13) ---
% A large int8 accuracy drop (problem(quant_drop), rules/diagnosis.pl). The int8 model quantises
% each layer's input to 256 levels over its calibrated range and each weight channel to 255, so
% what helps is narrower, better-behaved ranges and layers wide enough to average the rounding:
% - reg_l2: weight decay keeps weights (and so activations) small and free of outliers, and
%   batch norm standardises every convolution's output before the next layer quantises it;
% - relu_activation: relu outputs are non-negative, so the next layer's uint8 input spends no
%   levels on negative values (elu, selu and swish have negative outputs);
% - inc_neurons: very narrow layers (few filters or units) carry more rounding error per output;
%   only without a hardware problem, as for underfitting.
t(0.5)::action(reg_l2, quant_drop) :- problem(quant_drop).
t(0.4)::action(relu_activation, quant_drop) :- problem(quant_drop).
t(0.3)::action(inc_neurons, quant_drop) :- problem(quant_drop), \+ hw_problem.
% --- end int8 / quantisation ---
