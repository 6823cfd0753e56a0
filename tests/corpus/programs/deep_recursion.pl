count(0).
count(N) :- N > 0, M is N - 1, count(M).
query(count(10000000)).
