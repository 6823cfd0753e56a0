// Objectives: turn an EvalResult into a score the strategies maximise, plus feasibility and an
// objective vector for Pareto analysis. One explicit table of objective kinds (MakeObjective).
#pragma once

#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "symnas/search/types.hpp"

namespace symnas::search {

/// The value of one evaluated candidate under an objective. Higher score is better.
struct ObjectiveValue {
  double score = -std::numeric_limits<double>::infinity();
  bool feasible = true;    ///< every budget respected
  double violation = 0.0;  ///< total normalised violation: sum of max(0, metric/budget - 1)
  /// Objective vector in the minimisation convention (e.g. {-accuracy, flops}); used by the
  /// Pareto tools. Single-objective kinds give {-score}.
  std::vector<double> vector;
};

/// A `metric <= budget` constraint; `metric` is "accuracy", "test_accuracy" or a key of
/// EvalResult::metrics (flops, params, latency_ms, ...).
struct Constraint {
  std::string metric;
  double budget = 0.0;
};

/// Scores evaluated candidates. Implementations are stateless and cheap.
class Objective {
 public:
  virtual ~Objective() = default;
  /// Scores a completed evaluation; ConfigError if a metric it needs is missing.
  virtual ObjectiveValue Evaluate(const EvalResult& result) const = 0;
  /// One line for progress output and reports, e.g. "seed000(flops_th=1e+07, eps=0.33)".
  virtual std::string Describe() const = 0;
  /// The constraints (budgets) this objective checks; strategies such as morphism use them.
  virtual std::vector<Constraint> Constraints() const { return {}; }
  /// Names of the components of ObjectiveValue::vector.
  virtual std::vector<std::string> VectorNames() const { return {"-score"}; }
};

/// Value of a metric: "accuracy" and "test_accuracy" come from the fields of EvalResult, every
/// other name from EvalResult::metrics. ConfigError listing the available metrics if absent.
double MetricValue(const EvalResult& result, const std::string& metric);

/// Seed-000 objective (Bellodi et al. 2023, eq. 2): f = -|Acc - |1 - FLOPS/FLOPS_th| * eps|.
/// FLOPs are normalised as the original code does, |1 - FLOPS/FLOPS_th| (the paper writes
/// |FLOPS_th - FLOPS|), so a network far under the budget is penalised too: the target is
/// "accuracy high and FLOPs close to the threshold". Feasible iff flops <= flops_th.
ObjectiveValue Seed000Objective(double accuracy, double flops, double flops_th, double epsilon);

/// One entry of the objective table.
struct ObjectiveEntry {
  const char* name;
  const char* description;
  const char* example;  ///< a YAML/JSON example of its configuration
  std::unique_ptr<Objective> (*make)(const nlohmann::json& config);
};

/// The explicit table of objective kinds: accuracy, seed000, constrained, weighted, pareto.
const std::vector<ObjectiveEntry>& Objectives();

/// Builds the objective described by `config` ({"kind": name, ...}); UnknownNameError listing
/// the kinds for an unknown kind, ConfigError for a bad field.
std::unique_ptr<Objective> MakeObjective(const nlohmann::json& config);

}  // namespace symnas::search
