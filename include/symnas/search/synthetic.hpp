// Synthetic evaluators: documented test functions with known optima and fake (but
// deterministic) FLOPs costs, for tests, benchmarks of the strategies and CLI dry runs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "symnas/common/options.hpp"
#include "symnas/search/evaluator.hpp"
#include "symnas/search/space.hpp"

namespace symnas::search {

/// One synthetic test function. `value` is minimised; its known minimum is `minimum`. The
/// evaluator reports accuracy = 1 / (1 + value - minimum), in (0, 1], equal to 1 exactly at an
/// optimum, so "maximise accuracy" finds the optimum.
struct SyntheticFunction {
  const char* name;
  const char* description;
  double minimum;
  SearchSpace (*space)();  ///< the space the function is defined on
  double (*value)(const Params& params);
  double (*flops)(const Params& params);  ///< fake cost, > 0
};

/// The explicit table: branin, hartmann6, mixed (int + categorical + log-real), cnn_proxy
/// (the seed-000 CNN parameters with analytic template FLOPs).
const std::vector<SyntheticFunction>& SyntheticFunctions();
/// UnknownNameError listing the functions for an unknown name.
const SyntheticFunction& FindSyntheticFunction(const std::string& name);

/// Analytic FLOPs (2 x multiply-accumulates) of the CNN template of docs/nn.md for 28x28x1
/// inputs and 10 classes; missing parameters take the template defaults.
double CnnTemplateFlops(const Params& params);

/// Options of the synthetic evaluator.
struct SyntheticOptions {
  std::string function = "branin";
  double noise = 0.0;           ///< std-dev of Gaussian noise added to the value (seeded)
  double sleep_ms = 0.0;        ///< real time spent per evaluation (crash tests)
  double fail_above_flops = 0;  ///< > 0: candidates above this FLOPs fail (kFailed), for tests
  /// Candidates whose parameter named here equals `fail_value` throw ArchError in EstimateCosts
  /// and Evaluate (tests of invalid candidates). Empty: never.
  std::string fail_param;
  double fail_value = 0.0;

  /// The evaluator config's options (a `kind` key is skipped), checked by ResolveOptions
  /// against SyntheticOptionSpecs(); ConfigError naming the option otherwise.
  static SyntheticOptions FromJson(const nlohmann::json& json);
};

/// The synthetic evaluator's options, defaults from SyntheticOptions (the evaluator-kind table
/// and --help list them).
const std::vector<OptionSpec>& SyntheticOptionSpecs();

/// Evaluates a synthetic function; metrics: flops, params (flops / 2), value.
class SyntheticEvaluator : public Evaluator {
 public:
  explicit SyntheticEvaluator(SyntheticOptions options);
  /// Default options for the function called `function`.
  explicit SyntheticEvaluator(const std::string& function);
  std::map<std::string, double> EstimateCosts(const Params& params) override;
  EvalResult Evaluate(const Params& params, std::uint64_t seed) override;
  const SyntheticFunction& function() const { return function_; }

 private:
  SyntheticOptions options_;
  const SyntheticFunction& function_;
};

}  // namespace symnas::search
