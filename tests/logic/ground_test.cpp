// Grounding: determinism (no formula for deterministic code), tabling of cyclic programs, the
// relevant ground program only, and the grounding error classes with locations.
#include <gtest/gtest.h>

#include <string>

#include "symnas/logic/errors.hpp"
#include "symnas/logic/formula.hpp"
#include "symnas/logic/ground.hpp"
#include "symnas/logic/inference.hpp"

namespace symnas::logic {
namespace {

std::size_t CountChoices(const GroundProgram& gp) {
  std::size_t n = 0;
  for (const GroundNode& node : gp.nodes) n += node.kind == GroundNode::Kind::kChoice;
  return n;
}

TEST(GroundTest, DeterministicListWalkAddsNoFormula) {
  std::string floats;
  for (int i = 0; i < 200; ++i) floats += (i ? ", " : "") + std::to_string(0.1 + i * 0.001);
  Program p = Program::FromText(":- use_module(library(lists)).\nl([" + floats + "]).\n" + R"(
    rising([_]).
    rising([A, B|T]) :- B > A, rising([B|T]).
    problem(still_learning) :- l(L), rising(L).
    problem(big) :- l(L), max_list(L, M), M > 0.2, length(L, N), N > 100.
    0.7::action(more_epochs) :- problem(still_learning).
    query(problem(_)).
    query(action(_)).
  )");
  GroundProgram gp = Ground(p);
  EXPECT_EQ(CountChoices(gp), 1u);  // only the probabilistic rule
  std::vector<Lit> roots, mapped;
  for (const GroundQuery& q : gp.queries) roots.push_back(q.node);
  LogicFormula f = BuildFormula(gp, roots, mapped);
  EXPECT_EQ(f.size(), 2);  // TRUE and the one choice
  auto answers = Infer(p);
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].atom, "action(more_epochs)");
  EXPECT_DOUBLE_EQ(answers[0].probability, 0.7);
  EXPECT_EQ(answers[1].atom, "problem(big)");
  EXPECT_DOUBLE_EQ(answers[1].probability, 1.0);
}

TEST(GroundTest, CyclicReachabilityTerminatesAndIsExact) {
  // Two nodes with edges both ways: reach(a,a) needs both edges.
  Program p = Program::FromText(R"(
    0.5::e(a, b). 0.4::e(b, a).
    r(X, Y) :- e(X, Y).
    r(X, Y) :- e(X, Z), r(Z, Y).
    query(r(a, _)).
  )");
  GroundProgram gp = Ground(p);
  EXPECT_EQ(CountChoices(gp), 2u);
  auto answers = Infer(p);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_NEAR(answers[0].probability, 0.2, 1e-12);  // r(a,a)
  EXPECT_NEAR(answers[1].probability, 0.5, 1e-12);  // r(a,b)
}

TEST(GroundTest, OnlyRelevantPartIsGrounded) {
  Program p = Program::FromText(R"(
    0.5::a. 0.5::b. 0.5::c.
    x :- a. y :- b, c.
    query(x).
  )");
  EXPECT_EQ(CountChoices(Ground(p)), 1u);
}

TEST(GroundTest, ProbabilisticClauseInstancesAreIndependent) {
  // Each ground instance of a probabilistic rule is its own choice: noisy-or over bodies.
  Program p = Program::FromText(R"(
    b(1). b(2).
    0.5::h :- b(X).
    query(h).
  )");
  auto answers = Infer(p);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_NEAR(answers[0].probability, 0.75, 1e-12);
}

template <class E>
E Expect(const std::string& program) {
  try {
    Infer(Program::FromText(program, "g.pl"));
  } catch (const E& e) {
    return e;
  }
  ADD_FAILURE() << "expected " << typeid(E).name() << " for\n" << program;
  return E("none");
}

TEST(GroundErrorTest, UnknownClauseHasCallLocation) {
  auto e = Expect<UnknownClause>("0.7::b.\nstarts :- b, ignition_ok.\nquery(starts).\n");
  EXPECT_EQ(e.location().file, "g.pl");
  EXPECT_EQ(e.location().line, 2);
  EXPECT_EQ(e.location().column, 14);
  EXPECT_NE(e.message().find("ignition_ok/0"), std::string::npos);
}

TEST(GroundErrorTest, NonGroundClassesAndEvidence) {
  auto e = Expect<NonGroundProbabilisticClause>("0.3::broken(P).\ndown :- broken(_).\nquery(down).\n");
  EXPECT_EQ(e.location().line, 1);
  EXPECT_EQ(e.location().column, 6);
  Expect<NonGroundQuery>("0.5::up.\nr(_) :- up.\nquery(r(_)).\n");
  Expect<InconsistentEvidenceError>("0.3::a.\nevidence(a, true).\nevidence(a, false).\n");
  Expect<InconsistentEvidenceError>("0.3::a.\nb :- fail.\nevidence(b, true).\n");
  Expect<InconsistentEvidenceError>("a.\nevidence(a, false).\n");
  Expect<InconsistentEvidenceError>("0.3::a.\n0.2::b.\nc :- a, b.\nevidence(c).\nevidence(a, false).\n");
  auto nc = Expect<GroundingError>("0.5::x.\np :- x, \\+ q.\nq :- \\+ p.\nquery(p).\n");
  EXPECT_EQ(nc.class_name(), "NegativeCycle");
}

TEST(GroundTest, DeterministicNonGroundAnswerIsPrinted) {
  auto answers = Infer(Program::FromText("p(_).\nquery(p(_)).\n"));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].probability, 1.0);
}

TEST(GroundTest, GroundQueryWithoutProofIsZero) {
  auto answers = Infer(Program::FromText("p(a).\nq(X) :- p(X).\nquery(q(b)).\n"));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].atom, "q(b)");
  EXPECT_EQ(answers[0].probability, 0.0);
}

}  // namespace
}  // namespace symnas::logic
