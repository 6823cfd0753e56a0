a :- X is 1 / 0, X > 0.
query(a).
