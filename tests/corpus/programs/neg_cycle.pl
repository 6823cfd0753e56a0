0.5::c.
a :- \+ b, c.
b :- \+ a, c.
query(a).
