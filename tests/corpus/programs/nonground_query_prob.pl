0.5::p(X).
query(p(_)).
