// The values the search works with: a candidate's parameters (one value per search-space
// dimension) and the outcome of evaluating it. Shared by strategies, evaluators, the store and
// the symbolic tuner; nothing here depends on libtorch.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace symnas::search {

/// One dimension's value: integer, real, or a categorical choice (its label).
using Value = std::variant<std::int64_t, double, std::string>;

/// A candidate: dimension name -> value. Ordered, so iteration and serialisation are stable.
using Params = std::map<std::string, Value>;

/// Numeric view of a value (integers widen; a categorical value throws ConfigError).
double AsDouble(const Value& value);
/// Integer view (a real is rounded to nearest; a categorical value throws ConfigError).
std::int64_t AsInt(const Value& value);
/// Label of a categorical value (a numeric value throws ConfigError).
const std::string& AsString(const Value& value);
/// Human-readable text: 42, 0.001, adam.
std::string ValueToString(const Value& value);

nlohmann::json ParamsToJson(const Params& params);
/// Inverse of ParamsToJson: JSON integers -> int64, other numbers -> double, strings -> labels.
Params ParamsFromJson(const nlohmann::json& json);

/// Life cycle of a trial as stored.
enum class TrialStatus {
  kRunning,   ///< started, not finished (after a crash: re-run or marked failed on resume)
  kComplete,  ///< evaluated; metrics are valid
  kFailed,    ///< evaluation failed (diverged, out of memory, invalid architecture, ...)
  kPruned,    ///< stopped early by the study's pruner; curves and metrics cover the epochs run
  kRejected,  ///< never trained: a cost known before training exceeds a budget (not counted)
};
const char* TrialStatusName(TrialStatus status);
/// True for the statuses that carry an objective value (complete, pruned, rejected).
bool HasObjective(TrialStatus status);
/// True for the statuses that count towards a study's trials (complete, failed, pruned).
bool CountsAsTrial(TrialStatus status);
TrialStatus TrialStatusFromName(const std::string& name);

/// Per-epoch curves of one training run (empty for table look-ups). Accuracies in [0, 1].
struct LearningCurves {
  std::vector<double> train_loss;
  std::vector<double> train_acc;
  std::vector<double> val_loss;
  std::vector<double> val_acc;
};

/// What an Evaluator returns for one candidate. Expected failures are values, not exceptions.
struct EvalResult {
  TrialStatus status = TrialStatus::kComplete;
  double accuracy = 0.0;                ///< validation accuracy in [0, 1]: the search metric
  std::optional<double> test_accuracy;  ///< only for final reports, never used by a strategy
  std::map<std::string, double> metrics;  ///< costs: flops, params, latency_ms, energy_mj, ...
  LearningCurves curves;
  double wall_seconds = 0.0;  ///< time the evaluation took (real, or simulated for tables)
  std::string error;          ///< why it failed, when status == kFailed
  nlohmann::json details;     ///< free-form extras: architecture JSON, epochs run, stop reason
};

}  // namespace symnas::search
