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
% enum_groups/3,4 (ProbLog's lists.py): the values of each group, groups in first-seen order.
enum_groups(Groups, Values, Group, GroupValues) :-
  lists_eg_keys(Groups, [], Keys), member(Group, Keys),
  lists_eg_values(Groups, Values, Group, GroupValues).
enum_groups(Pairs, Group, Values) :-
  lists_unpair(Pairs, Gs, Vs), enum_groups(Gs, Vs, Group, Values).
lists_eg_keys([], Acc, Keys) :- reverse(Acc, Keys).
lists_eg_keys([G|T], Acc, Keys) :- lists_eg_in(G, Acc), lists_eg_keys(T, Acc, Keys).
lists_eg_keys([G|T], Acc, Keys) :- \+ lists_eg_in(G, Acc), lists_eg_keys(T, [G|Acc], Keys).
lists_eg_in(X, [Y|_]) :- X == Y.
lists_eg_in(X, [Y|T]) :- X \== Y, lists_eg_in(X, T).
lists_eg_values([], [], _, []).
lists_eg_values([G|Gs], [V|Vs], K, [V|R]) :- G == K, lists_eg_values(Gs, Vs, K, R).
lists_eg_values([G|Gs], [_|Vs], K, R) :- G \== K, lists_eg_values(Gs, Vs, K, R).
lists_unpair([], [], []).
lists_unpair([P|T], [G|Gs], [V|Vs]) :- P =.. [_, G, V], lists_unpair(T, Gs, Vs).
)";

constexpr std::string_view kPrelude = R"(
forall(C, A) :- \+ (C, \+ A).
plus(X, Y, Z) :- nonvar(X), nonvar(Y), Z is X + Y.
plus(X, Y, Z) :- var(X), nonvar(Y), X is Z - Y.
plus(X, Y, Z) :- nonvar(X), var(Y), Y is Z - X.
)";

// ProbLog 2's problog/library/cut.pl: cut(rule(A, B)) takes the rule(Index, A, B) clause of the
// lowest index that applies (deterministic rules only, as clause/2 and all/3 demand).
constexpr std::string_view kCutLibrary = R"(
cut(Call) :- Call =.. [Pred|Args], RCall =.. [Pred, Index | Args],
  all(Index, clause(RCall, _), List), sort(List, OList), cut_first(RCall, Index, OList, Call).
cut(Call, Index) :- Call =.. [Pred|Args], RCall =.. [Pred, Index | Args],
  all(Index, clause(RCall, _), List), sort(List, OList), cut_first(RCall, Index, OList, Call).
cut_first(RCall, Index, [Index | Rest], Call) :- call(RCall).
cut_first(RCall, Index, [Value | Rest], Call) :-
  \+ (Value = Index, call(RCall)), cut_first(RCall, Index, Rest, Call).
)";

// ProbLog 2's problog/library/apply.pl (Apache-2.0), clauses verbatim.
constexpr std::string_view kApplyLibrary = R"(
include(P, [], []).
include(P, [X|T], [X|S]) :-
    call(P, X),
    include(P, T, S).
include(P, [X|T], S) :-
    \+ call(P, X),
    include(P, T, S).
exclude(P, [], []).
exclude(P, [X|T], [X|S]) :-
    \+ call(P, X),
    exclude(P, T, S).
exclude(P, [X|T], S) :-
    call(P, X),
    exclude(P, T, S).
partition(_, [], [], []).
partition(P, [X|R], [X|S], T) :-
    call(P, X),
    partition(P, R, S, T).
partition(P, [X|R], S, [X|T]) :-
    \+ call(P, X),
    partition(P, R, S, T).
partition(_, [], [], [], []).
partition(P, [X|R], [X|S], T, U) :-
    call(P, X, <),
    partition(P, R, S, T, U).
partition(P, [X|R], S, [X|T], U) :-
    call(P, X, =),
    partition(P, R, S, T, U).
partition(P, [X|R], S, T, [X|U]) :-
    call(P, X, >),
    partition(P, R, S, T, U).
maplist(_, []).
maplist(P, [A|S]) :-
    call(P, A),
    maplist(P, S).
maplist(_, [], []).
maplist(P, [A|S], [B|T]) :-
    call(P, A, B),
    maplist(P, S, T).
convlist(_, [], []).
convlist(P, [A|S], [B|T]) :-
    call(P, A, B),
    convlist(P, S, T).
convlist(P, [A|S], T) :-
    \+ call(P, A, _),
    convlist(P, S, T).
maplist(_, [], [], []).
maplist(P, [A|S], [B|T], [C|R]) :-
    call(P, A, B, C),
    maplist(P, S, T, R).
maplist(_, [], [], [], []).
maplist(P, [A|S], [B|T], [C|R], [D|U]) :-
    call(P, A, B, C, D),
    maplist(P, S, T, R, U).
foldl(_, [], RR, RR).
foldl(P, [L1|LR], L0,  RR) :-
    call(P, L1, L0, R),
    foldl(P, LR, R, RR).
foldl(_, [], [], RR, RR).
foldl(P, [L1|LR1], [L2|LR2], L0,  RR) :-
    call(P, L1, L2, L0, R),
    foldl(P, LR1, LR2, R, RR).
foldl(_, [], [], [], RR, RR).
foldl(P, [L1|LR1], [L2|LR2], [L3|LR3], L0,  RR) :-
    call(P, L1, L2, L3, L0, R),
    foldl(P, LR1, LR2, LR3, R, RR).
foldl(_, [], [], [], [], RR, RR).
foldl(P, [L1|LR1], [L2|LR2], [L3|LR3], [L4|LR4], L0,  RR) :-
    call(P, L1, L2, L3, L4, L0, R),
    foldl(P, LR1, LR2, LR3, LR4, R, RR).
foldl_noinit(P, [], []).
foldl_noinit(P, [L1|LR], RR) :-
    foldl(P, LR, L1, RR).
scanl(_, [], _, []).
scanl(P, [L1|LR], L0,  [R|RR]) :-
    call(P, L1, L0, R),
    scanl(P, LR, R, RR).
scanl(_, [], [], _, []).
scanl(P, [L1|LR1], [L2|LR2], L0, [R|RR]) :-
    call(P, L1, L2, L0, R),
    scanl(P, LR1, LR2, R, RR).
scanl(_, [], [], [], _, []).
scanl(P, [L1|LR1], [L2|LR2], [L3|LR3], L0, [R|RR]) :-
    call(P, L1, L2, L3, L0, R),
    scanl(P, LR1, LR2, LR3, R, RR).
scanl(_, [], [], [], [], _, []).
scanl(P, [L1|LR1], [L2|LR2], [L3|LR3], [L4|LR4], L0, [R|RR]) :-
    call(P, L1, L2, L3, L4, L0, R),
    scanl(P, LR1, LR2, LR3, LR4, R, RR).
)";

// ProbLog 2's problog/library/aggregate.pl: aggregate/5 and the aggregation functions.
constexpr std::string_view kAggregateLibrary = R"(
:- use_module(library(lists)).
:- use_module(library(apply)).
aggregate(AggFunc, Var, Group, Body, (Group, Result)) :-
  all([Group, Body, Var], Body, L), maplist(nth0(0), L, LG), maplist(nth0(2), L, LV),
  enum_groups(LG, LV, Group, Values), call(AggFunc, Values, Result).
avg(L, Avg) :- sum(L, Sum), length(L, Count), Avg is Sum / Count.
sum(L, Sum) :- sum(L, 0, Sum).
min([H|T], Min) :- min(T, H, Min).
max([H|T], Max) :- max(T, H, Max).
sum([], Acc, Acc).
sum([X|T], Acc, Sum) :- Acc1 is Acc + X, sum(T, Acc1, Sum).
min([], Acc, Acc).
min([X|T], Acc, Min) :- X < Acc, min(T, X, Min).
min([X|T], Acc, Min) :- X >= Acc, min(T, Acc, Min).
max([], Acc, Acc).
max([X|T], Acc, Max) :- X >= Acc, max(T, X, Max).
max([X|T], Acc, Max) :- X < Acc, max(T, Acc, Max).
)";

// ProbLog 2's problog/library/collect.pl: `CodeBlock => Group/Collector` calls
// collect_<Collector>(CodeBlock, Group, Args...).
constexpr std::string_view kCollectLibrary = R"(
:- use_module(library(lists)).
:- use_module(library(apply)).
:- use_module(library(string)).
collectgroup(CodeBlock, AggVar, GroupBy, Values) :-
  all_or_none((GroupBy, AggVar), CodeBlock, List1), enum_groups(List1, GroupBy, Values).
'=>'(CodeBlock, GroupBy/Collector) :-
  Collector =.. [Predicate | Args], concat(['collect_', Predicate], NewPredicate),
  CollectorNew =.. [NewPredicate, CodeBlock, GroupBy | Args], call(CollectorNew).
'=>'(CodeBlock, Collector) :-
  Collector \= _/_, Collector =.. [Predicate | Args], concat(['collect_', Predicate], NewPredicate),
  CollectorNew =.. [NewPredicate, CodeBlock, none | Args], call(CollectorNew).
collect_list(CodeBlock, Y, Result) :- collect_list(CodeBlock, none, Y, Result).
collect_list(CodeBlock, GB, Y, Result) :- collectgroup(CodeBlock, Y, GB, Result).
)";

// ProbLog 2's library(string), the part written in Python there: concat/2 and join/3 over the
// printed texts of the terms (quotes stripped).
constexpr std::string_view kStringLibrary = R"(
concat(Terms, Atom) :- '$concat'('', Terms, Atom).
join(Separator, Terms, Atom) :- '$concat'(Separator, Terms, Atom).
)";

// ProbLog 2's problog/library/scope.pl: Scope:Goal holds when Goal holds in Scope, in one of a
// list of scopes, or outside any scope (try_call/1: an undefined goal fails).
constexpr std::string_view kScopeLibrary = R"(
:- use_module(library(lists)).
C:R :- nonvar(R), R = (A, B), C:A, C:B.
C:R :- nonvar(C), C = [C1|_], C1:R.
C:R :- nonvar(C), \+ is_list(C), [C]:R.
List:Predicate :- nonvar(List), select(X, List, R), [X|R]:Predicate.
_:Pred :- nonvar(Pred), try_call(Pred).
)";

// The libraries loaded as program text by `:- use_module(library(Name)).` (lists has its own
// lookup, after the user's clauses). One row per library.
struct LibraryRow {
  std::string_view name;
  std::string_view text;
};
constexpr LibraryRow kTextLibraries[] = {{"cut", kCutLibrary},
                                         {"apply", kApplyLibrary},
                                         {"aggregate", kAggregateLibrary},
                                         {"collect", kCollectLibrary},
                                         {"string", kStringLibrary},
                                         {"scope", kScopeLibrary},
                                         {"db", "% csv_load/2 and sqlite_load/1 are directives"}};

}  // namespace

std::string_view LibraryText(std::string_view name) {
  for (const LibraryRow& row : kTextLibraries) {
    if (row.name == name) return row.text;
  }
  return {};
}

std::string LibraryNames() {
  std::string names = "lists";
  for (const LibraryRow& row : kTextLibraries) names += ", " + std::string(row.name);
  return names;
}

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
