a :- X is frob(1), X > 0.
query(a).
