p(2).
X::a :- p(X).
query(a).
