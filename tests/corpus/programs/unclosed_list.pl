a([1,2,3).
query(a(_)).
