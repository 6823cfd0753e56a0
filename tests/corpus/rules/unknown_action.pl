% an action the tuner does not have
0.6::action(make_it_better, underfitting) :- problem(underfitting).
