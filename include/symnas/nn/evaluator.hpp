// TrainingEvaluator: the search::Evaluator that trains candidates for real. Takes Params
// (docs/nn.md names) and loaded DataSplits, produces EvalResults with curves and cost metrics.
#pragma once

#include <memory>

#include "symnas/nn/dataset.hpp"
#include "symnas/nn/trainer.hpp"
#include "symnas/search/evaluator.hpp"

namespace symnas::nn {

/// Trains each candidate on the training split and scores it on the validation split. The test
/// set is never touched. Failures (invalid arch, divergence, libtorch errors) -> kFailed.
class TrainingEvaluator : public search::Evaluator {
 public:
  /// `data` is shared (loaded once per study); `options.seed` is replaced by Evaluate's seed.
  TrainingEvaluator(std::shared_ptr<const DataSplits> data, TrainOptions options = {});

  /// Cost analytics (flops, macs, params, peak_memory_bytes, model_size_bytes, ...).
  std::map<std::string, double> EstimateCosts(const search::Params& params) override;
  /// Trains; status kFailed with the reason for an invalid or diverging candidate.
  search::EvalResult Evaluate(const search::Params& params, std::uint64_t seed) override;

 private:
  std::shared_ptr<const DataSplits> data_;
  TrainOptions options_;
};

}  // namespace symnas::nn
