// TrainingEvaluator: Params -> Arch -> Train -> EvalResult (curves, cost metrics, details).
#include "symnas/nn/evaluator.hpp"

#include <chrono>
#include <optional>

#include "symnas/common/error.hpp"
#include "symnas/nn/cost.hpp"
#include "symnas/nn/export.hpp"
#include "symnas/nn/quantise.hpp"

namespace symnas::nn {

namespace {

/// The network as deployed: training hyper-parameters reset and every dropout rate made 0.5 or
/// 0 (dropout is an identity at inference; only its presence shapes the layer list).
std::string NetworkKey(Arch arch) {
  arch.train = TrainHyper{};
  for (ConvBlock& block : arch.blocks) block.dropout = block.dropout > 0 ? 0.5 : 0.0;
  for (DenseLayer& layer : arch.dense) layer.dropout = layer.dropout > 0 ? 0.5 : 0.0;
  return ArchToJson(arch).dump();
}

}  // namespace

std::map<std::string, double> PrecisionCostMetrics(const CostReport& cost,
                                                   StoragePrecision precision) {
  std::map<std::string, double> metrics = CostMetrics(cost);
  if (precision == StoragePrecision::kInt8) {
    // peak_activation_bytes counts 4 bytes per element (cost.hpp), so int8 is exactly a quarter.
    metrics["peak_memory_fp32_bytes"] = static_cast<double>(cost.peak_activation_bytes);
    metrics["model_size_fp32_bytes"] = static_cast<double>(cost.model_size_fp32_bytes);
    metrics["peak_memory_bytes"] = static_cast<double>(cost.peak_activation_bytes / 4);
    metrics["model_size_bytes"] = static_cast<double>(cost.model_size_int8_bytes);
  }
  return metrics;
}

TrainingEvaluator::TrainingEvaluator(std::shared_ptr<const DataSplits> data, TrainOptions options,
                                     HardwareOptions hardware)
    : data_(std::move(data)), options_(std::move(options)), hardware_(std::move(hardware)) {
  if (!data_) throw ConfigError("TrainingEvaluator needs loaded data");
  options_.evaluate_test = false;  // the search never sees the test set
}

std::map<std::string, double> TrainingEvaluator::Metrics(const Arch& arch) {
  const CostReport cost = AnalyzeCost(arch);
  std::map<std::string, double> metrics = PrecisionCostMetrics(cost, hardware_.precision);
  if (!hardware_.probe) return metrics;
  const std::string key = NetworkKey(arch);
  auto it = probe_cache_.find(key);
  if (it == probe_cache_.end()) it = probe_cache_.emplace(key, hardware_.probe(cost)).first;
  for (const auto& [name, value] : it->second) metrics[name] = value;
  return metrics;
}

std::map<std::string, double> TrainingEvaluator::EstimateCosts(const search::Params& params) {
  return Metrics(ArchFromParams(params, data_->input, data_->classes));
}

search::EvalResult TrainingEvaluator::Evaluate(const search::Params& params, std::uint64_t seed) {
  return EvaluateMonitored(params, seed, {});
}

namespace {

/// The curves of the epochs run so far.
search::LearningCurves CurvesOf(const std::vector<EpochRecord>& epochs) {
  search::LearningCurves curves;
  for (const EpochRecord& e : epochs) {
    curves.train_loss.push_back(e.train_loss);
    curves.train_acc.push_back(e.train_acc);
    curves.val_loss.push_back(e.val_loss);
    curves.val_acc.push_back(e.val_acc);
  }
  return curves;
}

}  // namespace

search::EvalResult TrainingEvaluator::EvaluateMonitored(const search::Params& params,
                                                        std::uint64_t seed,
                                                        const search::EpochMonitor& monitor) {
  const auto t0 = std::chrono::steady_clock::now();
  search::EvalResult result;
  auto fail = [&](const std::string& why) {
    result.status = search::TrialStatus::kFailed;
    result.error = why;
    result.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return result;
  };
  try {
    const Arch arch = ArchFromParams(params, data_->input, data_->classes);
    result.details["architecture"] = ArchToJson(arch);
    result.metrics = Metrics(arch);
    TrainOptions options = options_;
    options.seed = seed;
    std::optional<double> int8_accuracy;
    if (hardware_.int8_accuracy) {
      options.on_trained = [this, &int8_accuracy, inner = options_.on_trained](
                               const Arch& a, std::uint64_t s, torch::nn::Sequential& best) {
        if (inner) inner(a, s, best);
        TrainedModel model = MakeTrainedModel(a, best, *data_, s);
        int8_accuracy = MeasureInt8Accuracy(model, data_->val, data_->mean, data_->std).int8;
      };
    }
    if (monitor) {
      const int max_epochs = arch.train.epochs;
      options.should_stop = [&monitor, max_epochs](const std::vector<EpochRecord>& epochs) {
        return monitor(CurvesOf(epochs), max_epochs);
      };
    }
    const TrainReport report = Train(arch, *data_, options);
    result.curves = CurvesOf(report.epochs);
    result.details["epochs_run"] = report.epochs.size();
    result.details["stop_reason"] = report.stop_reason;
    result.details["best_epoch"] = report.best_epoch;
    if (!report.warnings.empty()) result.details["warnings"] = report.warnings;
    result.metrics["train_images_per_second"] = report.train_images_per_second;
    if (report.diverged) return fail(report.stop_reason);
    if (report.stop_reason == "pruned") result.status = search::TrialStatus::kPruned;
    result.accuracy = report.val_accuracy;
    result.metrics["val_loss"] = report.val_loss;
    if (int8_accuracy) {
      result.metrics[search::kInt8AccuracyMetric] = *int8_accuracy;
      result.metrics[search::kQuantDropMetric] = report.val_accuracy - *int8_accuracy;
    }
    result.wall_seconds = report.wall_seconds;
    return result;
  } catch (const Error& e) {
    return fail(e.what());
  } catch (const std::exception& e) {  // libtorch (c10::Error), std::bad_alloc
    return fail(std::string("libtorch: ") + e.what());
  }
}

}  // namespace symnas::nn
