// clause/2, clause/3 and subquery/2..5 (src/logic/reflect.cpp), and negative head literals
// (`p::\+a :- b.`, tabling.cpp). Expected values as ProbLog 2.2 gives them
// (test/clause_pred.pl, clause2_basic_tests.pl, subquery.pl, negative_head_lits.pl).
#include <gtest/gtest.h>

#include <map>

#include "answers.hpp"
#include "symnas/logic/errors.hpp"
#include "symnas/logic/inference.hpp"
#include "symnas/logic/program.hpp"

namespace symnas::logic {
namespace {

using testing::Answers;

TEST(ReflectTest, ClauseReturnsStoredClausesWithProbLogVariableNames) {
  auto p = Answers(
      "a :- b(X).\nc(d(X)) :- b(X).\ne :- f, g; h.\nquery(clause(a, b(Y))).\n"
      "query(clause(c(X), Y)).\nquery(clause(c(d(1)), Y)).\nq(B) :- clause(e, B).\n"
      "query(q(_)).\nquery(clause(b(_), _)).\n");
  EXPECT_EQ(p.size(), 5u);
  EXPECT_NEAR(p["clause(b(X3),X4)"], 0.0, 1e-12);  // no answer: printed as ProbLog does
  EXPECT_NEAR(p["clause(a,b(V_0))"], 1.0, 1e-12);
  EXPECT_NEAR(p["clause(c(d(V_0)),b(V_0))"], 1.0, 1e-12);
  EXPECT_NEAR(p["clause(c(d(1)),b(1))"], 1.0, 1e-12);
  EXPECT_NEAR(p["q((f, g); h)"], 1.0, 1e-12);
}

TEST(ReflectTest, ClauseWithProbability) {
  auto p = Answers(
      "a :- b.\n0.3::f(x).\n0.2::g; 0.5::h.\nq(H, P) :- clause(H, true, P).\nquery(q(_, _)).\n"
      "query(clause(a, B, P)).\n");
  EXPECT_NEAR(p["clause(a,b,1.0)"], 1.0, 1e-12);
  EXPECT_NEAR(p["q(f(x),0.3)"], 1.0, 1e-12);
  EXPECT_NEAR(p["q([g, h],[0.2, 0.5])"], 1.0, 1e-12);
}

TEST(ReflectTest, SubqueryIsADeterministicProbability) {
  auto p = Answers(
      "0.5::a.\n0.4::c(1).\n0.2::c(2).\nb(P) :- subquery(a, P).\n"
      "d(X, P) :- subquery(c(X), P).\ne(P) :- subquery(a, P, [c(1)], \"logprob\", \"ddnnf\").\n"
      "query(b(_)).\nquery(d(_, _)).\nquery(e(_)).\n");
  EXPECT_NEAR(p["b(0.5)"], 1.0, 1e-12);
  EXPECT_NEAR(p["d(1,0.4)"], 1.0, 1e-12);
  EXPECT_NEAR(p["d(2,0.2)"], 1.0, 1e-12);
  EXPECT_NEAR(p["e(0.5)"], 1.0, 1e-12);
}

TEST(ReflectTest, NegativeHeadLiteralsRemoveProbability) {
  auto p = Answers(
      "0.7::b.\n0.2::c.\n0.5::a :- b.\n0.5::\\+a :- c.\n0.5::d :- b.\n\\+d :- c.\n"
      "query(a).\nquery(d).\n");
  EXPECT_NEAR(p["a"], 0.7 * 0.5 * (1 - 0.2 * 0.5), 1e-12);
  EXPECT_NEAR(p["d"], 0.7 * 0.5 * 0.8, 1e-12);
}

}  // namespace
}  // namespace symnas::logic
