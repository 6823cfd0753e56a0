x.
1.5::problem(high_lr) :- x.
query(problem(_)).
