a :- undefined_pred(1).
query(a).
