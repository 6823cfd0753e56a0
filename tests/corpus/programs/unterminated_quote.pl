a('hello).
query(a(_)).
