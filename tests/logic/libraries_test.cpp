// The libraries loaded as clauses by `:- use_module(library(Name)).` (src/logic/libraries.cpp):
// cut, apply, aggregate, collect, string, enum_groups/3,4 of lists, and the built-ins they use
// (=../2, '$concat'/3). Expected values as ProbLog 2.2 gives them (test/cut.pl, cut_2.pl,
// aggregate_custom.pl, aggregate_satisfy.pl and by hand).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "answers.hpp"
#include "symnas/common/error.hpp"
#include "symnas/logic/inference.hpp"
#include "symnas/logic/program.hpp"

namespace symnas::logic {
namespace {

using testing::Answers;

TEST(LibrariesTest, CutTakesTheFirstApplicableRule) {
  auto p = Answers(
      ":- use_module(library(cut)).\nm(1, X, Y, Z) :- X =< Y, Z = Y.\nm(2, X, Y, X).\n"
      "ism(X, Y, Z) :- cut(m(X, Y, Z)).\nquery(ism(2, 3, _)).\nquery(ism(6, 1, _)).\n"
      "query(ism(2, 3, 2)).\nquery(ism(6, 1, 1)).\n");
  EXPECT_EQ(p.size(), 4u);
  EXPECT_NEAR(p["ism(2,3,3)"], 1.0, 1e-12);
  EXPECT_NEAR(p["ism(6,1,6)"], 1.0, 1e-12);
  // The cut is over the rules that apply to the call as given (bound Z included).
  EXPECT_NEAR(p["ism(2,3,2)"], 1.0, 1e-12);
  EXPECT_NEAR(p["ism(6,1,1)"], 0.0, 1e-12);
}

TEST(LibrariesTest, AggregateGroupsInFirstSeenOrder) {
  auto p = Answers(
      ":- use_module(library(aggregate)).\ns(a, 1). s(b, 3). s(c, 4).\ng(a, x). g(b, x). g(c, y).\n"
      "q(R) :- aggregate(avg, V, G, (s(X, V), g(X, G)), R).\n"
      "m(R) :- aggregate(max, V, G, (s(X, V), g(X, G)), R).\nquery(q(_)).\nquery(m(_)).\n");
  EXPECT_NEAR(p["q((x, 2.0))"], 1.0, 1e-12);
  EXPECT_NEAR(p["q((y, 4.0))"], 1.0, 1e-12);
  EXPECT_NEAR(p["m((x, 3))"], 1.0, 1e-12);
  EXPECT_EQ(p.size(), 4u);
}

TEST(LibrariesTest, AggregateHeadsAreRewrittenToAggregate) {
  auto p = Answers(
      ":- use_module(library(aggregate)).\ns(a, 1). s(b, 3). s(c, 4).\ng(a, x). g(b, x). g(c, y).\n"
      "avg_of(G, avg<V>) :- s(X, V), g(X, G).\nall_max(max<V>) :- s(_, V).\n"
      "sc:cnt(G, sum<V>) :- s(X, V), g(X, G).\nquery(avg_of(_, _)).\nquery(all_max(_)).\n"
      "query(sc:cnt(x, _)).\n");
  EXPECT_EQ(p.size(), 4u);
  EXPECT_NEAR(p["avg_of(x,2.0)"], 1.0, 1e-12);
  EXPECT_NEAR(p["avg_of(y,4.0)"], 1.0, 1e-12);
  EXPECT_NEAR(p["all_max(4)"], 1.0, 1e-12);
  EXPECT_NEAR(p["sc:cnt(x,4)"], 1.0, 1e-12);
  // Not an aggregate: a comparison with spaces, or an atom followed by `<` and a number.
  auto q =
      Answers("c(X) :- member(X, [1, 5]), X < 3.\nquery(c(_)).\n:- use_module(library(lists)).\n");
  EXPECT_NEAR(q["c(1)"], 1.0, 1e-12);
}

TEST(LibrariesTest, CollectCallsTheNamedCollector) {
  auto p = Answers(
      ":- use_module(library(collect)).\ns(a, 1). s(b, 3). s(c, 4).\ng(a, x). g(b, x). g(c, y).\n"
      "l(G, L) :- (s(X, V), g(X, G)) => G / list(V, L).\n"
      "collect_count(CB, none, N) :- all(x, CB, L), length(L, N).\n"
      "c(N) :- s(_, _) => count(N).\nquery(l(_, _)).\nquery(c(_)).\n");
  EXPECT_NEAR(p["l(x,[1, 3])"], 1.0, 1e-12);
  EXPECT_NEAR(p["l(y,[4])"], 1.0, 1e-12);
  EXPECT_NEAR(p["c(1)"], 1.0, 1e-12);
}

TEST(LibrariesTest, ApplyUnivAndConcat) {
  auto p = Answers(
      ":- use_module(library(apply)).\n:- use_module(library(string)).\n"
      "a(L) :- maplist(succ, [1, 2], L).\nb(F) :- foldl(plus, [1, 2, 3], 0, F).\n"
      "c(T, L) :- f(x, 1) =.. L, T =.. [g, a].\nd(A) :- concat([ab, 'c d', 1], A).\n"
      "e(A) :- join('-', [x, y], A).\nquery(a(_)).\nquery(b(_)).\nquery(c(_, _)).\n"
      "query(d(_)).\nquery(e(_)).\n");
  EXPECT_NEAR(p["a([2, 3])"], 1.0, 1e-12);
  EXPECT_NEAR(p["b(6)"], 1.0, 1e-12);
  EXPECT_NEAR(p["c(g(a),[f, x, 1])"], 1.0, 1e-12);
  EXPECT_NEAR(p["d('abc d1')"], 1.0, 1e-12);
  EXPECT_NEAR(p["e('x-y')"], 1.0, 1e-12);
}

TEST(LibrariesTest, ScopesSelectClausesAndTryCallFailsOnUndefinedGoals) {
  auto p = Answers(
      ":- use_module(library(scope)).\nscope(1):a.\nscope(2):b.\n"
      "scope(3):X :- scope(1):X; scope(2):X.\nc.\nquery(scope(3):_).\nquery(scope(3):(a,b)).\n"
      "query([scope(1),scope(2)]:b).\nquery(scope(1):c).\nquery(scope(2):a).\n");
  EXPECT_EQ(p.size(), 6u);
  EXPECT_NEAR(p["scope(3):(a, b)"], 1.0, 1e-12);
  EXPECT_NEAR(p["[scope(1), scope(2)]:b"], 1.0, 1e-12);
  EXPECT_NEAR(p["scope(1):c"], 1.0, 1e-12);
  EXPECT_NEAR(p["scope(2):a"], 0.0, 1e-12);
}

// A fresh folder with a CSV file and an SQLite database for library(db).
std::filesystem::path DbFolder() {
  auto dir = std::filesystem::temp_directory_path() / ("symnas_db_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "edge.csv") << "\"from\",\"to\",\"p\"\n\"a\"  ,\"b\",0.5\n\"b\",\"c\",1\n";
  sqlite3* db = nullptr;
  std::filesystem::remove(dir / "n.sqlite");
  sqlite3_open((dir / "n.sqlite").string().c_str(), &db);
  sqlite3_exec(db,
               "CREATE TABLE node (name TEXT, w REAL, k INTEGER); "
               "INSERT INTO node VALUES ('a', 0.25, 1), ('Big c', 0.5, 2);",
               nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return dir;
}

TEST(LibrariesTest, DbLoadsCsvAndSqliteRowsAsFacts) {
  auto dir = DbFolder();
  std::ofstream(dir / "m.pl") << ":- use_module(library(db)).\n:- csv_load('edge.csv', edge).\n"
                                 ":- sqlite_load('n.sqlite').\nP::e(X, Y) :- edge(X, Y, P).\n"
                                 "query(e(_, _)).\nquery(edge(b, c, _)).\nquery(node(_, _, _)).\n"
                                 "query(e(a, b)).\nr(X) :- edge(X, _, _), X == a.\n"
                                 "query(r(_)).\n";
  std::map<std::string, double> p;
  for (const QueryAnswer& a : Infer(Program::FromFile((dir / "m.pl").string()))) {
    p[a.atom] = a.probability;
  }
  // As ProbLog (its answers on this program, but for edge(b,c,1.0), see docs/logic.md): text
  // values are atoms that keep their quotes ('a'); they unify with the program atom a (e(a, b),
  // edge(b, c, _)) but are not == to it, so r(_) has no answer, and e('a','b') and e(a,b) are
  // two atoms.
  EXPECT_NEAR(p["e('a','b')"], 0.5, 1e-12);
  EXPECT_NEAR(p["e('b','c')"], 1.0, 1e-12);
  EXPECT_NEAR(p["e(a,b)"], 0.5, 1e-12);
  EXPECT_NEAR(p["edge(b,c,1.0)"], 1.0, 1e-12);  // the column is REAL (first row's type)
  EXPECT_NEAR(p["node('a',0.25,1)"], 1.0, 1e-12);
  EXPECT_NEAR(p["node('Big c',0.5,2)"], 1.0, 1e-12);
  EXPECT_NEAR(p["r(X2)"], 0.0, 1e-12);
  EXPECT_EQ(p.size(), 7u);
  std::ofstream(dir / "bad.pl") << ":- use_module(library(db)).\n:- csv_load('none.csv', x).\n";
  try {
    Program::FromFile((dir / "bad.pl").string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("none.csv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.pl:2"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(LibrariesTest, UnknownLibraryNamesTheKnownOnes) {
  try {
    Program::FromText(":- use_module(library(nosuch)).\n", "t.pl");
    FAIL() << "expected UnknownNameError";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cut"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("t.pl:1"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace symnas::logic
