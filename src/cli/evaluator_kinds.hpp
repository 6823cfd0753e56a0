// The explicit table of evaluator kinds the CLI can build from a study config's `evaluator:`
// mapping ({kind: synthetic, function: branin, ...}).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "symnas/common/options.hpp"
#include "symnas/search/driver.hpp"
#include "symnas/search/evaluator.hpp"
#include "symnas/search/study_config.hpp"
#include "symnas/store/study_store.hpp"

#ifdef SYMNAS_HAVE_NN
namespace symnas::nn {
struct DataOptions;
}
#endif

namespace symnas::cli {

/// One line of the evaluator table.
struct EvaluatorKind {
  const char* name;
  const char* description;
  /// Its options besides `kind`; `make` resolves them (ResolveOptions) before it reads them.
  std::vector<OptionSpec> params;
  std::unique_ptr<search::Evaluator> (*make)(const nlohmann::json& config);
};

/// Every evaluator kind the `symnas` binary was built with.
const std::vector<EvaluatorKind>& EvaluatorKinds();
/// Builds the evaluator of `config` (its "kind" looked up in the table); UnknownNameError
/// listing the kinds otherwise.
std::unique_ptr<search::Evaluator> MakeEvaluator(const nlohmann::json& config);
/// The recorder a study runs with: `store`, plus the trained weights of the `cnn` evaluator's
/// trials kept per its `keep_weights` option (best, an integer k, all, none; default best): after
/// each completed trial its weights are stored and only the best k kept (docs/nn.md, "Model out").
/// Weights are written right after their trial's row, in their own transaction: a crash between
/// leaves a complete trial without weights, which export-model retrains.
std::unique_ptr<search::StudyRecorder> MakeStudyRecorder(const nlohmann::json& evaluator_config,
                                                         search::Evaluator& evaluator,
                                                         store::StudyStore& store);
/// Trains `params` with `seed` through a fresh evaluator of `evaluator_config` (a `cnn` one),
/// exactly as the study trained that trial, and returns the weights (symnas_model/1 bytes).
/// ConfigError for another kind; Error if the training fails.
std::string RetrainWeights(const nlohmann::json& evaluator_config, const search::Params& params,
                           std::uint64_t seed);

#ifdef SYMNAS_HAVE_NN
/// How many trials' weights the `cnn` evaluator's `keep_weights` keeps: -1 all, 0 none, k
/// (best = 1). ConfigError for anything else.
int KeepWeightsCount(const nlohmann::json& evaluator_config);
/// The data options of a `cnn` evaluator config (dataset, dir, image_size, channels,
/// validation_size, train_subset, val_subset, split_seed; no test set): the splits its study
/// trained and scored on.
nn::DataOptions CnnDataOptions(const nlohmann::json& evaluator_config);
#endif

/// MakeEvaluator(config.evaluator) with its errors located in the study's YAML file (at the
/// option they name, e.g. `epochs:`, else at `evaluator:`); an objective naming int8_accuracy or
/// quant_drop without the cnn evaluator's `int8: true` is a ConfigError located at it.
std::unique_ptr<search::Evaluator> MakeEvaluator(const search::StudyConfig& config);
/// With an evaluator `device:` option, adds the device's limits (SRAM/RAM -> peak_memory_bytes,
/// flash -> model_size_bytes) to the objective's constraints, keeping any tighter explicit one.
/// ConfigError if the objective kind takes no constraints.
void ApplyDeviceBudgets(search::StudyConfig& config);

}  // namespace symnas::cli
