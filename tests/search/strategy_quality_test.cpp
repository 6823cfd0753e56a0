// Strategies on synthetic functions with known optima, fixed seeds: BO and evolution must beat
// random search where they should, and BO must get close to the known optimum.
#include <gtest/gtest.h>

#include "symnas/search/driver.hpp"
#include "symnas/search/synthetic.hpp"

namespace symnas::search {
namespace {

/// Best (smallest) function value found by `strategy` in `trials` trials.
double BestValue(const std::string& function, const std::string& strategy, int trials, std::uint64_t seed,
                 nlohmann::json options = nlohmann::json::object()) {
  SyntheticEvaluator eval(function);
  auto objective = MakeObjective({{"kind", "accuracy"}});
  MemoryRecorder recorder;
  DriverOptions o;
  o.trials = trials;
  o.seed = seed;
  Driver driver(eval.function().space(),
                [&](const SearchSpace& s) { return MakeStrategy(strategy, {s, seed, options, {}}); }, eval,
                *objective, recorder, o);
  auto out = driver.Run();
  double best = 1e300;
  for (const auto& t : out.trials) best = std::min(best, t.result.metrics.at("value"));
  return best;
}

double MeanRegret(const std::string& function, const std::string& strategy, int trials, int seeds,
                  nlohmann::json options = nlohmann::json::object()) {
  double total = 0;
  for (int s = 0; s < seeds; ++s) {
    total += BestValue(function, strategy, trials, 100 + s, options) - FindSyntheticFunction(function).minimum;
  }
  return total / seeds;
}

TEST(StrategyQualityTest, BoBeatsRandomOnBranin) {
  const double bo = MeanRegret("branin", "bo", 25, 3);
  const double random = MeanRegret("branin", "random", 25, 3);
  RecordProperty("bo_regret", std::to_string(bo));
  RecordProperty("random_regret", std::to_string(random));
  EXPECT_LT(bo, 0.5 * random) << "bo " << bo << " random " << random;
  EXPECT_LT(bo, 0.2);  // close to the known optimum 0.397887
}

TEST(StrategyQualityTest, BoBeatsRandomOnMixedIntLogCategorical) {
  const double bo = MeanRegret("mixed", "bo", 25, 3);
  const double random = MeanRegret("mixed", "random", 25, 3);
  EXPECT_LT(bo, random) << "bo " << bo << " random " << random;
  EXPECT_LT(bo, 0.35);
}

TEST(StrategyQualityTest, EvolutionBeatsRandomOnHartmann6) {
  nlohmann::json options = {{"population", 10}, {"sample", 3}};
  const double evo = MeanRegret("hartmann6", "evolution", 80, 4, options);
  const double random = MeanRegret("hartmann6", "random", 80, 4);
  EXPECT_LT(evo, random) << "evolution " << evo << " random " << random;
}

}  // namespace
}  // namespace symnas::search
