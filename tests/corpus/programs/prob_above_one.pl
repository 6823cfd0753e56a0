1.5::a.
query(a).
