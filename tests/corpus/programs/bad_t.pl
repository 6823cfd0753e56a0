t(foo)::a.
query(a).
