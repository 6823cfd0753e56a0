// TrainingEvaluator: the search::Evaluator that trains candidates for real. Takes Params
// (docs/nn.md names) and loaded DataSplits, produces EvalResults with curves and cost metrics.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "symnas/nn/cost.hpp"
#include "symnas/nn/dataset.hpp"
#include "symnas/nn/trainer.hpp"
#include "symnas/search/evaluator.hpp"

namespace symnas::nn {

/// What `peak_memory_bytes` and `model_size_bytes` count: fp32 (4 bytes per activation and
/// parameter, the default) or int8 deployment (1 byte per activation; int8 weights as in
/// CostReport::model_size_int8_bytes). The fp32 figures stay available as *_fp32_bytes.
enum class StoragePrecision { kFp32, kInt8 };

/// Extra hardware metrics of one network (e.g. {"latency_ms": 1.2, "energy_mj": 0.3}), from its
/// layer list. Injected: the CLI times it with the hw layer's estimators, tests use a fake.
using HardwareProbe = std::function<std::map<std::string, double>(const CostReport& cost)>;

/// Hardware view of the candidates: storage precision, an optional probe, and whether the int8
/// deployment's accuracy is measured.
struct HardwareOptions {
  StoragePrecision precision = StoragePrecision::kFp32;
  /// After training: calibrate (MakeTrainedModel), simulate the int8 graph of the export
  /// (quantise.hpp) on the validation split and report the metrics int8_accuracy and quant_drop
  /// (accuracy minus int8_accuracy; fractions like accuracy).
  bool int8_accuracy = false;
  /// Empty: no probe metrics. Called once per distinct network (training hyper-parameters and
  /// dropout rates do not change the network at inference), cached for the evaluator's life.
  HardwareProbe probe;
};

/// Cost analytics of `arch` under `precision` (see StoragePrecision): flops, macs, params,
/// peak_memory_bytes, model_size_bytes, model_size_int8_bytes, and for int8 also
/// peak_memory_fp32_bytes and model_size_fp32_bytes.
std::map<std::string, double> PrecisionCostMetrics(const CostReport& cost,
                                                   StoragePrecision precision);

/// Trains each candidate on the training split and scores it on the validation split. The test
/// set is never touched. Failures (invalid arch, divergence, libtorch errors) -> kFailed.
class TrainingEvaluator : public search::Evaluator {
 public:
  /// `data` is shared (loaded once per study); `options.seed` is replaced by Evaluate's seed.
  TrainingEvaluator(std::shared_ptr<const DataSplits> data, TrainOptions options = {},
                    HardwareOptions hardware = {});

  /// Cost analytics (flops, macs, params, peak_memory_bytes, model_size_bytes, ...) plus the
  /// probe's metrics (e.g. latency_ms), measured before any training.
  std::map<std::string, double> EstimateCosts(const search::Params& params) override;
  /// Trains; metrics as EstimateCosts (the probe runs once per network), val_loss,
  /// train_images_per_second and, with HardwareOptions::int8_accuracy, int8_accuracy and
  /// quant_drop; status kFailed with the reason for an invalid or diverging candidate.
  search::EvalResult Evaluate(const search::Params& params, std::uint64_t seed) override;
  /// Evaluate with `monitor` asked after every epoch but the last; a stop gives kPruned.
  search::EvalResult EvaluateMonitored(const search::Params& params, std::uint64_t seed,
                                       const search::EpochMonitor& monitor) override;

 private:
  /// Cost metrics plus probe metrics (cached by network, see HardwareOptions::probe).
  std::map<std::string, double> Metrics(const Arch& arch);

  std::shared_ptr<const DataSplits> data_;
  TrainOptions options_;
  HardwareOptions hardware_;
  std::map<std::string, std::map<std::string, double>> probe_cache_;  ///< network key -> metrics
};

}  // namespace symnas::nn
