% a tuning rule with a missing closing parenthesis
0.7::action(dec_lr, overfitting) :- problem(overfitting.
