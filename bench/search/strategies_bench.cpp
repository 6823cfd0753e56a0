// Compares the registered strategies on the synthetic functions: mean and standard deviation of
// the simple regret (best value found - known minimum) over seeds, and the mean time per trial
// spent in the strategy (ask + tell; the synthetic evaluation itself is ~free).
// Usage: bench_search_strategies [trials=30] [seeds=5] [functions=branin,mixed,hartmann6]
#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "symnas/search/driver.hpp"
#include "symnas/search/synthetic.hpp"
#include "symnas/strategies/table.hpp"

using namespace symnas::search;

namespace {

struct Run {
  double regret = 0.0;
  double seconds = 0.0;
};

Run RunOnce(const std::string& function, const std::string& strategy, int trials,
            std::uint64_t seed) {
  SyntheticEvaluator eval(function);
  auto objective = MakeObjective({{"kind", "accuracy"}});
  MemoryRecorder recorder;
  DriverOptions options;
  options.trials = trials;
  options.seed = seed;
  Driver driver(
      eval.function().space(),
      [&](const SearchSpace& s) {
        return symnas::strategies::MakeStrategy(strategy, {s, seed, {}, {}, {}, {}, {}});
      },
      eval, *objective, recorder, options);
  auto start = std::chrono::steady_clock::now();
  auto out = driver.Run();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double best = 1e300;
  for (const auto& t : out.trials) best = std::min(best, t.result.metrics.at("value"));
  return {best - eval.function().minimum, seconds / trials};
}

}  // namespace

int main(int argc, char** argv) {
  const int trials = argc > 1 ? std::atoi(argv[1]) : 30;
  const int seeds = argc > 2 ? std::atoi(argv[2]) : 5;
  std::vector<std::string> functions = {"branin", "mixed", "hartmann6"};
  if (argc > 3) {
    functions.clear();
    std::stringstream list(argv[3]);
    for (std::string f; std::getline(list, f, ',');) functions.push_back(f);
  }
  fmt::print("{} trials, {} seeds (100..{}); regret = best value - known minimum\n", trials, seeds,
             99 + seeds);
  fmt::print("{:<10} {:<10} {:>12} {:>12} {:>14}\n", "function", "strategy", "mean regret", "sd",
             "ms per trial");
  for (const auto& function : functions) {
    for (const auto& entry : symnas::strategies::Strategies()) {
      if (std::string(entry.name) == "morphism") continue;  // CNN-template only
      std::vector<Run> runs;
      for (int s = 0; s < seeds; ++s)
        runs.push_back(RunOnce(function, entry.name, trials, 100 + s));
      double mean = 0, ms = 0;
      for (const auto& r : runs) mean += r.regret / seeds, ms += 1000 * r.seconds / seeds;
      double var = 0;
      for (const auto& r : runs) var += (r.regret - mean) * (r.regret - mean) / seeds;
      fmt::print("{:<10} {:<10} {:>12.4f} {:>12.4f} {:>14.1f}\n", function, entry.name, mean,
                 std::sqrt(var), ms);
    }
  }
  return 0;
}
