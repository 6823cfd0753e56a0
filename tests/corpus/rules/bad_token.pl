% a stray character
0.4::action(inc_lr, undertrained) :- problem(undertrained) # .
