// Test helper: the best (smallest) value a strategy finds on a synthetic function with a known
// optimum, through the real driver (shared by the strategy-quality and bo-refit tests).
#pragma once

#include <algorithm>
#include <string>

#include "symnas/search/driver.hpp"
#include "symnas/search/synthetic.hpp"
#include "symnas/strategies/table.hpp"

namespace symnas::search {

/// Best (smallest) function value found by `strategy` in `trials` trials.
inline double BestValue(const std::string& function, const std::string& strategy, int trials,
                        std::uint64_t seed,
                        const nlohmann::json& options = nlohmann::json::object()) {
  SyntheticEvaluator eval(function);
  auto objective = MakeObjective({{"kind", "accuracy"}});
  MemoryRecorder recorder;
  DriverOptions o;
  o.trials = trials;
  o.seed = seed;
  Driver driver(
      eval.function().space(),
      [&](const SearchSpace& s) {
        return strategies::MakeStrategy(strategy, {s, seed, options, {}, {}, {}, {}});
      },
      eval, *objective, recorder, o);
  double best = 1e300;
  for (const auto& t : driver.Run().trials) best = std::min(best, t.result.metrics.at("value"));
  return best;
}

}  // namespace symnas::search
