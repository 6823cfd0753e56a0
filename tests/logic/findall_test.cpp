// findall/3, all/3 and all_or_none/3 over probabilistic goals (src/logic/findall.cpp): every
// subset of the uncertain solutions is a list of its own. Expected values are computed by hand
// from the possible worlds (and agree with ProbLog 2.2's test/findall*.pl).
#include <gtest/gtest.h>

#include <map>

#include "answers.hpp"
#include "symnas/logic/errors.hpp"
#include "symnas/logic/inference.hpp"
#include "symnas/logic/program.hpp"

namespace symnas::logic {
namespace {

using testing::Answers;

TEST(FindallTest, OneListPerSubsetOfIndependentSolutions) {
  auto p = Answers(
      "0.3::a(1).\n0.4::a(2).\np(1) :- a(1).\np(2) :- a(1).\np(3) :- a(2).\n"
      "f(L) :- findall(q(A), p(A), L).\nquery(f(L)).\n");
  ASSERT_EQ(p.size(), 4u);  // lists needing a(1) and not a(1) are dropped
  EXPECT_NEAR(p["f([])"], 0.7 * 0.6, 1e-12);
  EXPECT_NEAR(p["f([q(1), q(2)])"], 0.3 * 0.6, 1e-12);
  EXPECT_NEAR(p["f([q(3)])"], 0.7 * 0.4, 1e-12);
  EXPECT_NEAR(p["f([q(1), q(2), q(3)])"], 0.3 * 0.4, 1e-12);
}

TEST(FindallTest, EveryProofIsASolutionInCreationOrder) {
  // p(a) has two proofs: findall keeps both, ordered as their facts.
  auto p =
      Answers("0.3::p(a).\n0.2::p(b).\n0.4::p(a).\nq(L) :- findall(X, p(X), L).\nquery(q(L)).\n");
  EXPECT_NEAR(p["q([a, b, a])"], 0.3 * 0.2 * 0.4, 1e-12);
  EXPECT_NEAR(p["q([a, a])"], 0.3 * 0.8 * 0.4, 1e-12);
  EXPECT_NEAR(p["q([b, a])"], 0.7 * 0.2 * 0.4, 1e-12);
  EXPECT_NEAR(p["q([])"], 0.7 * 0.8 * 0.6, 1e-12);
  double total = 0;
  for (auto& [atom, prob] : p) total += prob;
  EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(FindallTest, DuplicateDeterministicProofsAreKeptInProofOrder) {
  auto p = Answers(
      "r(a).\nr(b).\nr(a).\ns(L) :- findall(X, r(X), L).\nt(L) :- findall(X, (r(X), X \\== b), "
      "L).\n"
      "query(s(_)).\nquery(t(_)).\n");
  EXPECT_NEAR(p["s([a, b, a])"], 1.0, 1e-12);
  EXPECT_NEAR(p["t([a, a])"], 1.0, 1e-12);
  EXPECT_EQ(p.size(), 2u);
}

TEST(FindallTest, AllKeepsDistinctAnswersAndNeedsOne) {
  auto p = Answers(
      "r(a).\nr(b).\nr(a).\n0.5::s(c).\nt(L) :- all(X, r(X), L).\nu(L) :- all(X, s(X), L).\n"
      "v(L) :- all_or_none(X, s(X), L).\nquery(t(_)).\nquery(u(_)).\nquery(v(_)).\n");
  EXPECT_NEAR(p["t([a, b])"], 1.0, 1e-12);
  EXPECT_NEAR(p["u([c])"], 0.5, 1e-12);
  EXPECT_EQ(p.count("u([])"), 0u);
  EXPECT_NEAR(p["v([])"], 0.5, 1e-12);
}

TEST(FindallTest, UnboundQueryVariablesPrintAsProbLogNumbersThem) {
  // ProbLog names the i-th of the n variables of a query X<n+1+i> (test/findall4.pl,
  // varunify_all.pl); a query without answers is reported with probability 0.
  auto p = Answers(
      "0.3::a(1).\n0.4::a(2).\nf(L) :- findall(A, a(A), L).\nquery(f([X, Y, Z])).\n"
      "query(f([X, Y])).\nb(1).\nb(2).\np9(P, G, L) :- findall(P, G, L).\n"
      "query(p9((X, Y), (b(X), b(Y), X = Y), L)).\n");
  EXPECT_EQ(p.size(), 3u);
  EXPECT_NEAR(p["f([X4, X5, X6])"], 0.0, 1e-12);
  EXPECT_NEAR(p["f([1, 2])"], 0.3 * 0.4, 1e-12);
  EXPECT_NEAR(p["p9((X4, X5),(b(X4), b(X5), X4=X5),[(1, 1), (2, 2)])"], 1.0, 1e-12);
}

TEST(FindallTest, ResultMustBeAVariableOrAList) {
  try {
    Answers("0.3::a(1).\nf(L) :- findall(A, a(A), L).\nquery(f(abc)).\n");
    FAIL() << "expected CallModeError";
  } catch (const GroundingError& e) {
    EXPECT_EQ(e.class_name(), "CallModeError");
  }
}

TEST(FindallTest, AnonymousVariablesInsideFindallAreLocalToTheProbabilisticClause) {
  auto p = Answers(
      "p(X, Y) :- between(1, 2, X), q(Y).\nq(a).\nq(b).\n"
      "0.4::all_p(L) :- findall(X, p(X, _), L).\nquery(all_p(_)).\n");
  EXPECT_NEAR(p["all_p([1, 1, 2, 2])"], 0.4, 1e-12);
}

TEST(FindallTest, RecursionThroughFindallIsAnIndirectCycle) {
  try {
    Answers("0.5::e.\np(L) :- findall(X, q(X), L).\nq(x) :- e.\nq(L) :- p(L).\nquery(p(_)).\n");
    FAIL() << "expected IndirectCallCycleError";
  } catch (const GroundingError& e) {
    EXPECT_EQ(e.class_name(), "IndirectCallCycleError");
  }
}

}  // namespace
}  // namespace symnas::logic
