// Pruners: after each epoch of a training trial, decide whether to stop it because its curve is
// hopeless against the study so far (Optuna's pruners, NNI's assessors). The driver asks the
// study's pruner through Evaluator::EvaluateMonitored; a stopped trial is stored as pruned.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "symnas/search/trial.hpp"
#include "symnas/search/types.hpp"

namespace symnas::search {

/// Decides whether a running trial stops early. Implementations must be deterministic for the
/// same study and curves (resume reproduces the same decisions).
class Pruner {
 public:
  virtual ~Pruner() = default;
  /// The table name, e.g. "symbolic".
  virtual std::string name() const = 0;
  /// `trials`: the study's trials before this one; `partial`: the running trial's curves after
  /// its latest epoch; `max_epochs`: the epochs it would run. A value means "stop now": the
  /// diagnosis that explains why (stored with the trial).
  virtual std::optional<Diagnosis> ShouldPrune(const std::vector<TrialRecord>& trials,
                                               const LearningCurves& partial,
                                               int max_epochs) = 0;
};

}  // namespace symnas::search
