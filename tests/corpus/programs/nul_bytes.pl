a.
::
query(a).
