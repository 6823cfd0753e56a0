// TrainingEvaluator: Params -> Arch -> Train -> EvalResult (curves, cost metrics, details).
#include "symnas/nn/evaluator.hpp"

#include <chrono>

#include "symnas/common/error.hpp"
#include "symnas/nn/cost.hpp"

namespace symnas::nn {

TrainingEvaluator::TrainingEvaluator(std::shared_ptr<const DataSplits> data, TrainOptions options)
    : data_(std::move(data)), options_(std::move(options)) {
  if (!data_) throw ConfigError("TrainingEvaluator needs loaded data");
  options_.evaluate_test = false;  // the search never sees the test set
}

std::map<std::string, double> TrainingEvaluator::EstimateCosts(const search::Params& params) {
  return CostMetrics(AnalyzeCost(ArchFromParams(params, data_->input, data_->classes)));
}

search::EvalResult TrainingEvaluator::Evaluate(const search::Params& params, std::uint64_t seed) {
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
    result.metrics = CostMetrics(AnalyzeCost(arch));
    TrainOptions options = options_;
    options.seed = seed;
    const TrainReport report = Train(arch, *data_, options);
    for (const EpochRecord& e : report.epochs) {
      result.curves.train_loss.push_back(e.train_loss);
      result.curves.train_acc.push_back(e.train_acc);
      result.curves.val_loss.push_back(e.val_loss);
      result.curves.val_acc.push_back(e.val_acc);
    }
    result.details["epochs_run"] = report.epochs.size();
    result.details["stop_reason"] = report.stop_reason;
    result.details["best_epoch"] = report.best_epoch;
    result.metrics["train_images_per_second"] = report.train_images_per_second;
    if (report.diverged) return fail(report.stop_reason);
    result.accuracy = report.val_accuracy;
    result.metrics["val_loss"] = report.val_loss;
    result.wall_seconds = report.wall_seconds;
    return result;
  } catch (const Error& e) {
    return fail(e.what());
  } catch (const std::exception& e) {  // libtorch (c10::Error), std::bad_alloc
    return fail(std::string("libtorch: ") + e.what());
  }
}

}  // namespace symnas::nn
