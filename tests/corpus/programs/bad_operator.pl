a :- b ** .
query(a).
