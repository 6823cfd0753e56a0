a :- b
query(a).
