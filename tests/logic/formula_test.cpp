// Logic formula construction and cycle breaking on hand-made graphs.
#include <gtest/gtest.h>

#include "symnas/logic/errors.hpp"
#include "symnas/logic/formula.hpp"

namespace symnas::logic {
namespace {

TEST(FormulaTest, ConstantFolding) {
  LogicFormula f;
  Lit a = f.AddChoice(0, 0), b = f.AddChoice(1, 0);
  EXPECT_EQ(f.AddChoice(0, 0), a);
  EXPECT_EQ(f.AddAnd({a, LogicFormula::kTrue}), a);
  EXPECT_EQ(f.AddAnd({a, LogicFormula::kFalse}), LogicFormula::kFalse);
  EXPECT_EQ(f.AddAnd({a, -a}), LogicFormula::kFalse);
  EXPECT_EQ(f.AddOr({a, -a}), LogicFormula::kTrue);
  EXPECT_EQ(f.AddOr({}), LogicFormula::kFalse);
  EXPECT_EQ(f.AddAnd({}), LogicFormula::kTrue);
  Lit ab = f.AddAnd({b, a, a});
  EXPECT_EQ(f.node(ab).kind, LogicFormula::Kind::kAnd);
  EXPECT_EQ(f.node(ab).children.size(), 2u);
  EXPECT_FALSE(f.HasCycles());
}

TEST(FormulaTest, BreakCyclesGivesLeastModel) {
  // p = a | q, q = p & b  (positive loop): p = a, q = a & b.
  LogicFormula f;
  Lit a = f.AddChoice(0, 0), b = f.AddChoice(1, 0);
  int p = f.ReserveOr();
  int q = f.ReserveOr();
  Lit pb = f.AddAnd({p, b});
  f.SetChildren(q, {pb});
  f.SetChildren(p, {a, q});
  EXPECT_TRUE(f.HasCycles());
  std::vector<Lit> mapped;
  LogicFormula out = BreakCycles(f, {p, q}, mapped);
  EXPECT_FALSE(out.HasCycles());
  ASSERT_EQ(mapped.size(), 2u);
  EXPECT_EQ(out.node(mapped[0]).kind, LogicFormula::Kind::kChoice);  // p == a
  const auto& qn = out.node(mapped[1]);
  ASSERT_EQ(qn.kind, LogicFormula::Kind::kAnd);  // q == a & b
  EXPECT_EQ(qn.children.size(), 2u);
}

TEST(FormulaTest, PureLoopIsFalse) {
  LogicFormula f;
  int p = f.ReserveOr();
  int q = f.ReserveOr();
  f.SetChildren(p, {q});
  f.SetChildren(q, {p});
  std::vector<Lit> mapped;
  LogicFormula out = BreakCycles(f, {p}, mapped);
  EXPECT_EQ(mapped[0], LogicFormula::kFalse);
}

TEST(FormulaTest, NegationInCycleIsRejected) {
  LogicFormula f;
  Lit a = f.AddChoice(0, 0);
  int p = f.ReserveOr();
  Lit body = f.AddAnd({a, -p});
  f.SetChildren(p, {body, a});
  std::vector<Lit> mapped;
  EXPECT_THROW(BreakCycles(f, {p}, mapped), GroundingError);
}

}  // namespace
}  // namespace symnas::logic
