foo::a.
query(a).
