a :- (b, c.
query(a).
