// The explicit table of evaluator kinds the CLI can build from a study config's `evaluator:`
// mapping ({kind: synthetic, function: branin, ...}).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "symnas/search/evaluator.hpp"
#include "symnas/search/study_config.hpp"

namespace symnas::cli {

/// One line of the evaluator table.
struct EvaluatorKind {
  const char* name;
  const char* description;
  std::unique_ptr<search::Evaluator> (*make)(const nlohmann::json& options);
};

/// Every evaluator kind the `symnas` binary was built with.
const std::vector<EvaluatorKind>& EvaluatorKinds();
/// Builds the evaluator of `config` (its "kind" looked up in the table); UnknownNameError
/// listing the kinds otherwise.
std::unique_ptr<search::Evaluator> MakeEvaluator(const nlohmann::json& config);
/// MakeEvaluator(config.evaluator) with its errors located in the study's YAML file (at the
/// option they name, e.g. `epochs:`, else at `evaluator:`).
std::unique_ptr<search::Evaluator> MakeEvaluator(const search::StudyConfig& config);
/// With an evaluator `device:` option, adds the device's limits (SRAM/RAM -> peak_memory_bytes,
/// flash -> model_size_bytes) to the objective's constraints, keeping any tighter explicit one.
/// ConfigError if the objective kind takes no constraints.
void ApplyDeviceBudgets(search::StudyConfig& config);

}  // namespace symnas::cli
