% a probability that is not a number
high::action(inc_lr, undertrained) :- problem(undertrained).
