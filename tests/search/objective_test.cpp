// Tests of the objective kinds: the seed-000 formula and its normalisation, constrained ranking,
// weighted sums, Pareto vectors and the table's error paths.
#include "symnas/search/objective.hpp"

#include <gtest/gtest.h>

#include "symnas/common/error.hpp"

namespace symnas::search {
namespace {

EvalResult Result(double acc, double flops, double params = 1e5) {
  EvalResult r;
  r.accuracy = acc;
  r.metrics = {{"flops", flops}, {"params", params}};
  return r;
}

TEST(ObjectiveTest, Seed000FormulaByHand) {
  // acc 0.9, flops 8e6, th 1e7: |1 - 0.8| * 0.33 = 0.066 -> f = -|0.9 - 0.066| = -0.834.
  auto v = Seed000Objective(0.9, 8e6, 1e7, 0.33);
  EXPECT_NEAR(v.score, -0.834, 1e-12);
  EXPECT_TRUE(v.feasible);
  // Over the threshold: flops 1.5e7 -> |1 - 1.5| * 0.33 = 0.165 -> f = -0.735; infeasible.
  auto over = Seed000Objective(0.9, 1.5e7, 1e7, 0.33);
  EXPECT_NEAR(over.score, -0.735, 1e-12);
  EXPECT_FALSE(over.feasible);
  EXPECT_NEAR(over.violation, 0.5, 1e-12);
  auto obj = MakeObjective({{"kind", "seed000"}, {"flops_threshold", 1e7}});
  EXPECT_NEAR(obj->Evaluate(Result(0.9, 8e6)).score, -0.834, 1e-12);
  ASSERT_EQ(obj->Constraints().size(), 1u);
  EXPECT_EQ(obj->Constraints()[0].metric, "flops");
  EXPECT_THROW(MakeObjective({{"kind", "seed000"}}), ConfigError);
}

TEST(ObjectiveTest, ConstrainedFeasibleBeatsInfeasibleAndRanksViolation) {
  auto obj = MakeObjective({{"kind", "constrained"}, {"constraints", {{"flops", 1e7}, {"params", 1e5}}}});
  auto feasible_bad = obj->Evaluate(Result(0.1, 9e6, 1e5));
  auto infeasible_good = obj->Evaluate(Result(0.99, 1.1e7, 1e5));
  auto infeasible_worse = obj->Evaluate(Result(0.99, 1.2e7, 1.5e5));
  EXPECT_TRUE(feasible_bad.feasible);
  EXPECT_FALSE(infeasible_good.feasible);
  EXPECT_GT(feasible_bad.score, infeasible_good.score);
  EXPECT_GT(infeasible_good.score, infeasible_worse.score);
  EXPECT_NEAR(infeasible_worse.violation, 0.2 + 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(feasible_bad.score, 0.1);
  EXPECT_THROW(MakeObjective({{"kind", "constrained"}}), ConfigError);
  EXPECT_THROW(MakeObjective({{"kind", "constrained"}, {"constraints", {{"latency_ms", 5}}}})->Evaluate(Result(1, 1)),
               ConfigError);
}

TEST(ObjectiveTest, WeightedAndPareto) {
  nlohmann::json terms = nlohmann::json::array({{{"metric", "accuracy"}, {"weight", 1.0}},
                                                {{"metric", "flops"}, {"weight", -0.1}, {"scale", 1e7}}});
  auto w = MakeObjective({{"kind", "weighted"}, {"terms", terms}});
  EXPECT_NEAR(w->Evaluate(Result(0.8, 2e7)).score, 0.8 - 0.2, 1e-12);
  nlohmann::json metrics = nlohmann::json::array({{{"name", "accuracy"}, {"goal", "max"}}, {{"name", "flops"}, {"goal", "min"}}});
  auto p = MakeObjective({{"kind", "pareto"}, {"metrics", metrics}});
  auto v = p->Evaluate(Result(0.8, 2e7));
  EXPECT_EQ(v.vector, (std::vector<double>{-0.8, 2e7}));
  EXPECT_DOUBLE_EQ(v.score, 0.8);
  EXPECT_EQ(p->VectorNames(), (std::vector<std::string>{"-accuracy", "flops"}));
}

TEST(ObjectiveTest, UnknownKindListsValidKinds) {
  try {
    MakeObjective({{"kind", "acc"}});
    FAIL();
  } catch (const UnknownNameError& e) {
    for (const auto& entry : Objectives()) EXPECT_NE(std::string(e.what()).find(entry.name), std::string::npos);
  }
  EXPECT_THROW(MakeObjective(nlohmann::json::object()), ConfigError);
}

}  // namespace
}  // namespace symnas::search
