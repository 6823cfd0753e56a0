% an annotated disjunction whose probabilities sum above 1
0.6::action(inc_lr, undertrained); 0.7::action(dec_batch_size, undertrained) :- problem(undertrained).
