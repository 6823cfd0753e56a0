b.
-0.2::a.
query(a).
