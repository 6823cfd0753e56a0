// Strategies on synthetic functions with known optima, fixed seeds: BO and evolution must beat
// random search where they should, and BO must get close to the known optimum.
#include <gtest/gtest.h>

#include "best_value.hpp"

namespace symnas::search {
namespace {

double MeanRegret(const std::string& function, const std::string& strategy, int trials, int seeds,
                  nlohmann::json options = nlohmann::json::object()) {
  double total = 0;
  for (int s = 0; s < seeds; ++s) {
    total += BestValue(function, strategy, trials, 100 + s, options) -
             FindSyntheticFunction(function).minimum;
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
