// The ProbLog syntax and directives read since the ProbLog-suite work (issue 15): the `<-` neck,
// `not`, symbol runs cut after their longest operator (`::\+`), hex integers, consult/1,
// `:- unknown(fail).`, `query(G) :- Body.`, forall/2, plus/3, library(lists) additions, and
// ProbLog's LFI completion of AD evidence. Expected values are ProbLog 2.2's results.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "answers.hpp"
#include "symnas/logic/errors.hpp"
#include "symnas/logic/inference.hpp"
#include "symnas/logic/lfi.hpp"
#include "symnas/logic/parser.hpp"
#include "symnas/logic/program.hpp"

namespace symnas::logic {
namespace {

using testing::Answers;

TEST(DialectTest, ReverseArrowIsAClauseNeck) {
  auto p = Answers("0.9::alarm <- burglary.\n0.5::burglary.\nquery(alarm).\n");
  EXPECT_NEAR(p["alarm"], 0.45, 1e-12);
}

TEST(DialectTest, NegationWithoutSpaceAndNotOperator) {
  auto p = Answers("0.3::a.\nb :- \\+a.\nc :- not a.\nquery(b).\nquery(c).\n");
  EXPECT_NEAR(p["b"], 0.7, 1e-12);
  EXPECT_NEAR(p["c"], 0.7, 1e-12);
  TermArena arena;
  // `::\+` is two operators, as ProbLog's tokenizer reads it; `=\=` stays one.
  auto clauses = ParseProgramText("0.5::\\+a :- c.\nx :- 1 =\\= 2.\n", "t.pl", arena);
  ASSERT_EQ(clauses.size(), 2u);
  EXPECT_EQ(ToString(clauses[0].term), "0.5::\\+a :- c");
  EXPECT_EQ(ToString(clauses[1].term), "x :- 1=\\=2");
}

TEST(DialectTest, HexIntegers) {
  auto p = Answers("q :- A = 0x10, B = 16, A = B.\n(1/0x10)::r.\nquery(q).\nquery(r).\n");
  EXPECT_EQ(p["q"], 1.0);
  EXPECT_NEAR(p["r"], 0.0625, 1e-15);
}

TEST(DialectTest, UnknownFailMakesUndefinedPredicatesFail) {
  EXPECT_THROW(Answers("p :- a.\nquery(p).\n"), UnknownClause);
  auto p = Answers(":- unknown(fail).\np :- a.\nquery(p).\n");
  EXPECT_EQ(p["p"], 0.0);
}

TEST(DialectTest, QueryClauseWithBodyAsksEverySolution) {
  auto p = Answers("0.3::p(1).\n0.2::p(2).\nq(1). q(2).\nquery(p(X)) :- q(X).\n");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NEAR(p["p(1)"], 0.3, 1e-12);
  EXPECT_NEAR(p["p(2)"], 0.2, 1e-12);
}

TEST(DialectTest, ForallPlusAndListsAdditions) {
  auto p = Answers(
      ":- use_module(library(lists)).\n"
      "even(X) :- X mod 2 =:= 0.\n"
      "a :- forall(member(E, [2, 4]), even(E)).\nb :- forall(member(E, [2, 3]), even(E)).\n"
      "c(X) :- plus(1, X, 3).\nd(A) :- append([A, [3]], [1, 2, 3]).\n"
      "e(N) :- findall(X, numlist(1, 3, X), [L]), length(L, N).\n"
      "query(a).\nquery(b).\nquery(c(_)).\nquery(d(_)).\nquery(e(_)).\n");
  EXPECT_EQ(p["a"], 1.0);
  EXPECT_EQ(p["b"], 0.0);
  EXPECT_EQ(p["c(2)"], 1.0);
  EXPECT_EQ(p["d([1, 2])"], 1.0);
  EXPECT_EQ(p["e(3)"], 1.0);
}

TEST(DialectTest, ConsultReadsFilesRelativeToTheConsultingFile) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("symnas_consult_" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "facts.pl") << "0.4::f.\n";
  std::ofstream(dir / "main.pl") << ":- consult(facts).\ng :- f.\nquery(g).\n";
  std::ofstream(dir / "loop.pl") << ":- consult(loop).\n";
  auto p = Answers(Program::FromFile((dir / "main.pl").string()));
  EXPECT_NEAR(p["g"], 0.4, 1e-12);
  EXPECT_THROW(Program::FromFile((dir / "loop.pl").string()), ParseError);
  std::ofstream(dir / "missing.pl") << ":- consult(nowhere).\n";
  EXPECT_THROW(Program::FromFile((dir / "missing.pl").string()), ConfigError);
  fs::remove_all(dir);
}

TEST(DialectTest, LfiCompletesAdEvidenceAsProbLog) {
  // ProbLog's test/lfi/ad/ADtest_10_1: 'b false' alone makes 'a' true; 'a, b false' is kept.
  Program model = Program::FromText(
      "t(_)::e.\nt(_)::f.\nt(_)::a; t(_)::b :- e.\nt(_)::c; t(_)::d :- f.\n", "m.pl");
  auto examples = ParseInterpretations(
      "evidence(a).\n---\nevidence(a).\n---\nevidence(b, false).\n---\nevidence(b).\n---\n"
      "evidence(a, false).\nevidence(b, false).\n---\nevidence(c).\n---\nevidence(d).\n---\n"
      "evidence(f, false).\n---\nevidence(f, false).\n");
  LfiResult r = LearnParameters(model, examples);
  ASSERT_EQ(r.weights.size(), 6u);
  EXPECT_NEAR(r.weights[0].weight, 0.8, 1e-6);   // e
  EXPECT_NEAR(r.weights[1].weight, 0.5, 1e-6);   // f
  EXPECT_NEAR(r.weights[2].weight, 0.75, 1e-6);  // a
  EXPECT_NEAR(r.weights[3].weight, 0.25, 1e-6);  // b
}

}  // namespace
}  // namespace symnas::logic
