a :- {b}.
query(a).
