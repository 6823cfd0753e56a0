a :- call(X).
query(a).
