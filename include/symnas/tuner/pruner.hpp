// The pruner table: study config `pruner:` -> a search::Pruner the driver asks after every
// epoch. `symbolic` decides with the ProbLog rules of rules/pruner_hopeless.pl (declarative and
// explained, like Optuna's pruners / NNI's assessors); `none` never prunes.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "symnas/common/options.hpp"
#include "symnas/search/pruner.hpp"
#include "symnas/tuner/rule_base.hpp"

namespace symnas::tuner {

/// Stops a trial when the pruning rules prove prune_reason(R) with probability >= threshold.
/// Facts per epoch: va/1 (the curve so far), epoch/1, max_epochs/1, incumbent_final/1 and
/// incumbent_at/2 (the best feasible complete trial so far), chance/1.
class SymbolicPruner : public search::Pruner {
 public:
  /// `rule_files`: user files added after rules/pruner_*.pl; `threshold` in (0, 1].
  SymbolicPruner(const std::vector<std::string>& rule_files, double threshold, double chance);
  std::string name() const override { return "symbolic"; }
  std::optional<search::Diagnosis> ShouldPrune(const std::vector<search::TrialRecord>& trials,
                                               const search::LearningCurves& partial,
                                               int max_epochs) override;

 private:
  RuleBase rules_;
  double threshold_;
  double chance_;
};

/// One line of the pruner table.
struct PrunerEntry {
  const char* name;
  const char* description;
  std::vector<OptionSpec> params;  ///< its options besides `kind`
};
/// The explicit table of pruners: none, symbolic.
const std::vector<PrunerEntry>& Pruners();
/// Builds the pruner of a study config's `pruner:` mapping ({kind, ...options}); nullptr for
/// `none`. ConfigError listing the valid kinds / options otherwise.
std::shared_ptr<search::Pruner> MakePruner(const nlohmann::json& config);

}  // namespace symnas::tuner
