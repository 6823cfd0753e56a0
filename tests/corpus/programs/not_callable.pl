a :- 3.
query(a).
