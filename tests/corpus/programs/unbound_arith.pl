a :- X is Y + 1, X > 0.
query(a).
