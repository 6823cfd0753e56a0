% a probability above 1
1.5::action(inc_lr, undertrained) :- problem(undertrained).
