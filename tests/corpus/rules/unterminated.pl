% a clause without its final full stop
0.4::action(inc_lr, undertrained) :- problem(undertrained)
