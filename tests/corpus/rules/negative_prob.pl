% a negative probability
-0.2::action(inc_lr, undertrained) :- problem(undertrained).
