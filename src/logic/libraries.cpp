// ProbLog's library(lists) and its Prolog-defined built-ins, as dialect text parsed once.
// Definitions follow ProbLog 2's problog/library/lists.pl (Apache-2.0) so answers match; helper
// predicates carry a lists_ prefix.
#include "libraries.hpp"

namespace symnas::logic {

namespace {

constexpr std::string_view kListsLibrary = R"(
member(X, [X|_]).
member(X, [_|T]) :- member(X, T).
memberchk(X, L) :- member(X, L).
append([], L, L).
append([H|T], L, [H|R]) :- append(T, L, R).
append(LoL, L) :- lists_append2(LoL, [], L).
lists_append2([], Acc, Acc).
lists_append2([L|T], Acc, Out) :- lists_append2(T, Acc1, Out), append(Acc, L, Acc1).
prefix(A, B) :- append(A, _, B).
last([X], X).
last([_|T], X) :- last(T, X).
head([H|_], H).
nth0(I, L, E) :- lists_nth(L, 0, I, E).
nth1(I, L, E) :- lists_nth(L, 1, I, E).
lists_nth([H|_], B, B, H).
lists_nth([_|T], B, I, E) :- B1 is B + 1, lists_nth(T, B1, I, E).
nth0(0, [X|L], X, L).
nth0(I, [Y|L], X, [Y|R]) :- length(L, Len), between(1, Len, I), J is I - 1, nth0(J, L, X, R).
nth1(I, L, X, R) :- J is I - 1, nth0(J, L, X, R).
sum_list(L, S) :- lists_sum(L, 0, S).
sumlist(L, S) :- lists_sum(L, 0, S).
lists_sum([], S, S).
lists_sum([H|T], A, S) :- A1 is A + H, lists_sum(T, A1, S).
max_list([H|T], M) :- lists_max(T, H, M).
lists_max([], M, M).
lists_max([H|T], A, M) :- A1 is max(A, H), lists_max(T, A1, M).
min_list([H|T], M) :- lists_min(T, H, M).
lists_min([], M, M).
lists_min([H|T], A, M) :- A1 is min(A, H), lists_min(T, A1, M).
max_member([X|L], S) :- lists_max_member(L, X, S).
lists_max_member([], S, S).
lists_max_member([X|L], M, S) :- M @> X, lists_max_member(L, M, S).
lists_max_member([X|L], M, S) :- M @=< X, lists_max_member(L, X, S).
min_member([X|L], S) :- lists_min_member(L, X, S).
lists_min_member([], S, S).
lists_min_member([X|L], M, S) :- M @< X, lists_min_member(L, X, S).
lists_min_member([X|L], M, S) :- M @>= X, lists_min_member(L, M, S).
numlist(Low, Low, [Low]).
numlist(Low, High, [Low|Rest]) :- Low < High, Low1 is Low + 1, numlist(Low1, High, Rest).
reverse(L, R) :- lists_reverse(L, [], R).
lists_reverse([], A, A).
lists_reverse([H|T], A, R) :- lists_reverse(T, [H|A], R).
select(X, [X|T], T).
select(X, [H|T], [H|R]) :- select(X, T, R).
selectchk(X, [X|T], T).
selectchk(X, [Y|T], [Y|S]) :- X \= Y, selectchk(X, T, S).
select(X, [X|_], Y, [Y|_]).
select(X, [_|XList], Y, [_|YList]) :- select(X, XList, Y, YList).
selectchk(X, [X|_], Y, [Y|_]).
selectchk(X, [X1|XList], Y, [Y1|YList]) :- \+ (X1 = X, Y1 = Y), selectchk(X, XList, Y, YList).
permutation([], []).
permutation([X|R], [Y|S]) :- select(Y, [X|R], T), permutation(T, S).
flatten(In, Out) :- lists_flatten(In, [], Out).
lists_flatten([], Acc, Acc).
lists_flatten([H|T], Acc, List) :- lists_flatten(H, Acc, Acc1), lists_flatten(T, Acc1, List).
lists_flatten(H, Acc, List) :- \+ is_list(H), append(Acc, [H], List).
proper_length(List, Length) :- is_list(List), length(List, Length).
same_length(List1, List2) :- length(List1, L), length(List2, L).
intersection([], _, []).
intersection([X|T], Set2, [X|R]) :- memberchk(X, Set2), intersection(T, Set2, R).
intersection([X|T], Set2, R) :- \+ memberchk(X, Set2), intersection(T, Set2, R).
union([], Set2, Set2).
union([X|T], Set2, R) :- memberchk(X, Set2), union(T, Set2, R).
union([X|T], Set2, [X|R]) :- \+ memberchk(X, Set2), union(T, Set2, R).
subset([], _).
subset([X|T], Set) :- memberchk(X, Set), subset(T, Set).
subtract([], _, []).
subtract([X|T], Delete, R) :- memberchk(X, Delete), subtract(T, Delete, R).
subtract([X|T], Delete, [X|R]) :- \+ memberchk(X, Delete), subtract(T, Delete, R).
delete([], _, []).
delete([H|T], Elem, [H|R]) :- Elem \= H, delete(T, Elem, R).
delete([H|T], Elem, R) :- \+ Elem \= H, delete(T, Elem, R).
nextto(X, Y, [X, Y|_]).
nextto(X, Y, [_|T]) :- nextto(X, Y, T).
unzip([], [], []).
unzip([(A, B)|T], [A|AT], [B|BT]) :- unzip(T, AT, BT).
zip(A, B, AB) :- unzip(AB, A, B).
make_list(0, _, []).
make_list(Len, X, [X|L]) :- Len > 0, Len1 is Len - 1, make_list(Len1, X, L).
select_uniform(ID, Values, Value, Rest) :-
  length(Values, Len), Len > 0, Weight is 1 / Len, make_list(Len, Weight, Weights),
  select_weighted(ID, Weights, Values, Value, Rest).
select_weighted(ID, Weights, Values, Value, Rest) :-
  sum_list(Weights, Total), Total > 0, lists_sw(ID, Total, Weights, Values, Value, Rest).
select_weighted(ID, WeightsValues, Value, Rest) :-
  unzip(WeightsValues, Weights, Values), select_weighted(ID, Weights, Values, Value, Rest).
P::lists_sw_p(_, P, _, _, _).
lists_sw(_, _, [_|_], [X], X, []).
lists_sw(ID, PW, [W|WT], [X|XT], X, XT) :- XT \= [], W1 is W / PW, lists_sw_p(ID, W1, WT, X, XT).
lists_sw(ID, PW, [W|WT], [X|XT], Y, [X|RT]) :-
  XT \= [], W1 is W / PW, \+ lists_sw_p(ID, W1, WT, X, XT), PW1 is PW - W,
  lists_sw(ID, PW1, WT, XT, Y, RT).
)";

constexpr std::string_view kPrelude = R"(
forall(C, A) :- \+ (C, \+ A).
plus(X, Y, Z) :- nonvar(X), nonvar(Y), Z is X + Y.
plus(X, Y, Z) :- var(X), nonvar(Y), X is Z - Y.
plus(X, Y, Z) :- nonvar(X), var(Y), Y is Z - X.
)";

}  // namespace

const Program& ListsLibrary() {
  static const Program kLibrary = Program::FromText(kListsLibrary, "library(lists)");
  return kLibrary;
}

const Program& PreludeLibrary() {
  static const Program kLibrary = Program::FromText(kPrelude, "library(builtin)");
  return kLibrary;
}

bool IsLibraryFile(std::string_view file_name) { return file_name.starts_with("library("); }

}  // namespace symnas::logic
