:- consult(no_such_file_xyz).
query(a).
