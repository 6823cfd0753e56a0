// The GP refit schedule of `bo`: when the hyper-parameters are re-fitted, and that re-fitting
// on a geometric schedule keeps BO's results sound (close to re-fitting at every ask, still far
// better than random search) on a synthetic function with a known optimum.
#include <gtest/gtest.h>

#include "../../src/search/strategies/bo/bo.hpp"
#include "best_value.hpp"
#include "symnas/common/error.hpp"
#include "symnas/strategies/table.hpp"

namespace symnas::search {
namespace {

TEST(BoRefitTest, ScheduleRefitsAlwaysEarlyThenGeometrically) {
  for (int n = 1; n <= kAlwaysRefitBelow; ++n) EXPECT_TRUE(RefitDue(n, n - 1, 2.0));
  EXPECT_FALSE(RefitDue(40, 35, 1.2));
  EXPECT_TRUE(RefitDue(42, 35, 1.2));
  EXPECT_TRUE(RefitDue(500, 499, 1.0));  // growth 1: every ask
  // Growth 1.2 from 30 to 1000 observations: about log(1000/30)/log(1.2) = 19 refits.
  int fitted_at = kAlwaysRefitBelow, refits = 0;
  for (int n = kAlwaysRefitBelow + 1; n <= 1000; ++n) {
    if (RefitDue(n, fitted_at, 1.2)) ++refits, fitted_at = n;
  }
  EXPECT_GE(refits, 18);
  EXPECT_LE(refits, 21);
}

TEST(BoRefitTest, ScheduledRefitStaysSound) {
  // Branin, 60 trials: the schedule (growth 1.5) re-fits 30 + 1 times instead of 55.
  const double minimum = FindSyntheticFunction("branin").minimum;
  double every = 0, scheduled = 0, random = 0;
  const int seeds = 3;
  for (int s = 0; s < seeds; ++s) {
    const nlohmann::json fast = {{"acq_samples", 200}, {"restarts", 1}};
    nlohmann::json every_ask = fast, geometric = fast;
    every_ask["refit_growth"] = 1.0;
    geometric["refit_growth"] = 1.5;
    every += BestValue("branin", "bo", 60, 300 + s, every_ask) - minimum;
    scheduled += BestValue("branin", "bo", 60, 300 + s, geometric) - minimum;
    random += BestValue("branin", "random", 60, 300 + s, {}) - minimum;
  }
  every /= seeds, scheduled /= seeds, random /= seeds;
  RecordProperty("regret_every_ask", std::to_string(every));
  RecordProperty("regret_scheduled", std::to_string(scheduled));
  RecordProperty("regret_random", std::to_string(random));
  EXPECT_LT(scheduled, 0.5 * random) << "scheduled " << scheduled << " random " << random;
  EXPECT_LT(scheduled, 0.1) << "scheduled " << scheduled << " every ask " << every;  // near 0.398
  EXPECT_LT(every, 0.1);
}

TEST(BoRefitTest, SnapshotKeepsTheScheduleAndBadGrowthIsRejected) {
  StrategyContext context;
  context.space = FindSyntheticFunction("branin").space();
  context.seed = 1;
  context.options = {{"refit_growth", 0.5}};
  EXPECT_THROW(strategies::MakeStrategy("bo", context), ConfigError);
  context.options = {{"refit_growth", 1.5}, {"initial_random", 3}, {"acq_samples", 100}};
  auto bo = strategies::MakeStrategy("bo", context);
  SyntheticEvaluator eval("branin");
  auto objective = MakeObjective({{"kind", "accuracy"}});
  for (int t = 0; t < 8; ++t) {
    TrialOutcome outcome;
    outcome.trial_id = t;
    outcome.params = bo->Ask();
    outcome.result = eval.Evaluate(outcome.params, 0);
    outcome.objective = objective->Evaluate(outcome.result);
    bo->Tell(outcome);
  }
  EXPECT_EQ(bo->Save().at("extra").at("fitted_at").get<int>(), 7);  // fitted at the 8th ask
}

}  // namespace
}  // namespace symnas::search
