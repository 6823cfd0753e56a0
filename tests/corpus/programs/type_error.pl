a :- X is foo + 1, X > 0.
query(a).
