// Evaluator kinds of the CLI: synthetic test functions and the NAS-Bench-201 table (always;
// src/tabular/nb201_evaluator.cpp), the CNN trainer (nn layer) with its hardware view (device
// profiles, storage precision, latency from an hw estimator: evaluator_options.cpp), and the study
// recorder that keeps the trained weights of the best trials.
#include "evaluator_kinds.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <optional>
#include <set>

#include "evaluator_options.hpp"
#include "symnas/common/error.hpp"
#include "symnas/hw/metrics.hpp"
#include "symnas/hw/profile.hpp"
#include "symnas/search/synthetic.hpp"
#include "symnas/tabular/nb201_search.hpp"
#ifdef SYMNAS_HAVE_NN
#include "symnas/nn/evaluator.hpp"
#include "symnas/nn/export.hpp"
#endif

namespace symnas::cli {

namespace {
std::unique_ptr<search::Evaluator> MakeSynthetic(const nlohmann::json& options) {
  return std::make_unique<search::SyntheticEvaluator>(search::SyntheticOptions::FromJson(options));
}

#ifdef SYMNAS_HAVE_NN
/// Trained weights a training evaluator left behind, by training seed (trial seeds are unique
/// within a study), until the recorder takes them.
class WeightInbox {
 public:
  void Put(std::uint64_t seed, std::string bytes) { by_seed_[seed] = std::move(bytes); }
  std::optional<std::string> Take(std::uint64_t seed) {
    auto it = by_seed_.find(seed);
    if (it == by_seed_.end()) return std::nullopt;
    std::string bytes = std::move(it->second);
    by_seed_.clear();  // weights of trials that were not taken (failed, pruned) are dropped
    return bytes;
  }

 private:
  std::map<std::uint64_t, std::string> by_seed_;
};

/// Adds study-wide fixed parameters (e.g. epochs) to every candidate that lacks them.
class FixedParamsEvaluator : public search::Evaluator {
 public:
  FixedParamsEvaluator(std::unique_ptr<search::Evaluator> inner, search::Params fixed,
                       std::shared_ptr<WeightInbox> inbox = nullptr)
      : inner_(std::move(inner)), fixed_(std::move(fixed)), inbox_(std::move(inbox)) {}
  /// Where trained weights arrive (nullptr: none are kept).
  WeightInbox* inbox() const { return inbox_.get(); }
  std::map<std::string, double> EstimateCosts(const search::Params& params) override {
    return inner_->EstimateCosts(With(params));
  }
  search::EvalResult Evaluate(const search::Params& params, std::uint64_t seed) override {
    return inner_->Evaluate(With(params), seed);
  }
  search::EvalResult EvaluateMonitored(const search::Params& params, std::uint64_t seed,
                                       const search::EpochMonitor& monitor) override {
    return inner_->EvaluateMonitored(With(params), seed, monitor);
  }

 private:
  search::Params With(search::Params params) const {
    for (const auto& [name, value] : fixed_) params.emplace(name, value);
    return params;
  }
  std::unique_ptr<search::Evaluator> inner_;
  search::Params fixed_;
  std::shared_ptr<WeightInbox> inbox_;
};

/// StudyStore plus weight keeping: after FinishTrial, a completed trial's weights (if its
/// evaluator left any) are saved and only the best `keep_` kept.
class WeightKeepingRecorder : public search::StudyRecorder {
 public:
  WeightKeepingRecorder(store::StudyStore& store, WeightInbox& inbox, int keep)
      : store_(store), inbox_(inbox), keep_(keep) {}
  std::vector<search::TrialRecord> LoadTrials() override { return store_.LoadTrials(); }
  std::vector<search::SpaceEdit> LoadSpaceEdits() override { return store_.LoadSpaceEdits(); }
  std::optional<nlohmann::json> LoadStrategyState() override { return store_.LoadStrategyState(); }
  void BeginTrial(const search::TrialRecord& trial, const std::vector<search::SpaceEdit>& edits,
                  const nlohmann::json& strategy_state) override {
    store_.BeginTrial(trial, edits, strategy_state);
  }
  void FinishTrial(const search::TrialRecord& trial, const std::vector<search::SpaceEdit>& edits,
                   const search::TrialAnnotations& annotations,
                   const nlohmann::json& strategy_state) override {
    store_.FinishTrial(trial, edits, annotations, strategy_state);
    std::optional<std::string> weights = inbox_.Take(trial.seed);
    if (weights && trial.status == search::TrialStatus::kComplete) {
      store_.SaveWeights(trial.id, "symnas_model/1", *weights, keep_);
    }
  }
  void MarkInterrupted(std::int64_t trial_id, const std::string& error) override {
    store_.MarkInterrupted(trial_id, error);
  }
  void Exclusive(const std::function<void()>& work) override { store_.Exclusive(work); }
  std::vector<search::TrialRecord> LoadTrialsFrom(std::int64_t first_id) override {
    return store_.LoadTrialsFrom(first_id);
  }
  std::int64_t StateVersion() override { return store_.StateVersion(); }
  void Heartbeat(std::int64_t trial_id, double unix_s) override {
    store_.Heartbeat(trial_id, unix_s);
  }

 private:
  store::StudyStore& store_;
  WeightInbox& inbox_;
  int keep_;
};

/// `cnn`: trains the CNN template (nn::TrainingEvaluator) on a dataset of the nn table, with
/// the options of CnnOptionSpecs(): data (CnnDataOptions), threads, epochs (a fixed template
/// parameter of every candidate unless the space sets it); hardware: device, precision, latency,
/// devices (see docs/hw.md, "Budgets in a study"); keep_weights, int8 (docs/nn.md).
std::unique_ptr<search::Evaluator> MakeCnn(const nlohmann::json& config) {
  const nlohmann::json options = CnnOptions(config);
  std::optional<hw::DeviceProfile> device;
  if (options.contains("device")) device = LoadDevice(options["device"].get<std::string>());
  nn::HardwareOptions hardware;
  hardware.precision = PrecisionOption(options, device);
  hardware.int8_accuracy = options["int8"].get<bool>();
  if (options.contains("latency")) hardware.probe = LatencyProbe(options["latency"], device);
  if (options.contains("devices")) {
    hardware.probe = WithTargetDevices(std::move(hardware.probe), TargetDevices(options["devices"]),
                                       hardware.precision);
  }
  nn::TrainOptions train;
  train.threads = options["threads"].get<int>();
  // A trial whose network is wasteful or slow says so before it trains, and a long epoch shows
  // where it stands (on stderr, beside the driver's trial lines).
  train.on_warning = [](const std::string& w) { fmt::print(stderr, "  warning: {}\n", w); };
  train.on_progress = [](const nn::BatchProgress& p) {
    fmt::print(stderr, "  training: {}\n", nn::FormatProgress(p));
  };
  auto splits = std::make_shared<const nn::DataSplits>(nn::LoadSplits(CnnDataOptions(options)));
  std::shared_ptr<WeightInbox> inbox;
  if (KeepWeightsCount(options) != 0) {
    inbox = std::make_shared<WeightInbox>();
    train.on_trained = [inbox, splits](const nn::Arch& arch, std::uint64_t seed,
                                       torch::nn::Sequential& best) {
      inbox->Put(seed, nn::SerializeTrainedModel(nn::MakeTrainedModel(arch, best, *splits, seed)));
    };
  }
  search::Params fixed;
  if (options.contains("epochs")) fixed["epochs"] = options["epochs"].get<std::int64_t>();
  return std::make_unique<FixedParamsEvaluator>(
      std::make_unique<nn::TrainingEvaluator>(std::move(splits), train, std::move(hardware)),
      std::move(fixed), std::move(inbox));
}
#endif

}  // namespace

const std::vector<EvaluatorKind>& EvaluatorKinds() {
  static const std::vector<EvaluatorKind> kKinds = {
      {"synthetic",
       "test functions with known optima and fake FLOPs (branin, hartmann6, mixed, cnn_proxy)",
       search::SyntheticOptionSpecs(), &MakeSynthetic},
      {"nasbench201",
       "NAS-Bench-201 table look-up: 200-epoch accuracy (data, dataset) and measured latency_ms "
       "(device); use with the edge_0..edge_5 space of examples/nasbench201_symbolic.yaml",
       tabular::Nb201EvaluatorOptions(), &tabular::MakeNb201Evaluator},
#ifdef SYMNAS_HAVE_NN
      {"cnn", "train the CNN template with libtorch on a dataset (validation split scores it)",
       CnnOptionSpecs(), &MakeCnn},
#endif
  };
  return kKinds;
}

#ifdef SYMNAS_HAVE_NN
nn::DataOptions CnnDataOptions(const nlohmann::json& config) {
  const nlohmann::json options = CnnOptions(config);
  nn::DataOptions data;
  data.dataset = options["dataset"].get<std::string>();
  data.dir = options["dir"].get<std::string>();
  if (options.contains("image_size")) {
    const auto size = options["image_size"].get<std::vector<int>>();
    if (size.size() != 2) {
      throw ConfigError("evaluator 'cnn': image_size must be [height, width], e.g. [32, 32]");
    }
    data.image.height = size[0];
    data.image.width = size[1];
  }
  data.image.channels = options["channels"].get<int>();
  data.validation_size = options["validation_size"].get<std::int64_t>();
  data.train_subset = options["train_subset"].get<std::int64_t>();
  data.val_subset = options["val_subset"].get<std::int64_t>();
  data.split_seed = options["split_seed"].get<std::uint64_t>();
  data.load_test = false;  // the test set is never read during a search
  data.dir_option = "set `dir:` under `evaluator:` in the study config";
  return data;
}
#endif

std::unique_ptr<search::Evaluator> MakeEvaluator(const nlohmann::json& config) {
  const std::string kind = config.value("kind", std::string());
  std::string valid;
  for (const auto& k : EvaluatorKinds()) {
    if (kind == k.name) {
      try {
        return k.make(config);
      } catch (const nlohmann::json::exception& e) {
        throw ConfigError("evaluator '" + kind + "': " + e.what());
      }
    }
    valid += (valid.empty() ? "" : ", ") + std::string(k.name);
  }
  throw UnknownNameError(UnknownNameMessage("evaluator kind", kind, valid));
}

#ifdef SYMNAS_HAVE_NN
int KeepWeightsCount(const nlohmann::json& config) {
  const nlohmann::json v = CnnOptions(config)["keep_weights"];
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0 && v.get<std::int64_t>() < 1000000) {
    return static_cast<int>(v.get<std::int64_t>());
  }
  if (v == "best") return 1;
  if (v == "all") return -1;
  if (v == "none") return 0;
  throw ConfigError(
      fmt::format("evaluator option keep_weights: {} is not one of best, all, none "
                  "or a number of trials k >= 0",
                  v.dump()));
}
#endif

std::unique_ptr<search::StudyRecorder> MakeStudyRecorder(const nlohmann::json& evaluator_config,
                                                         search::Evaluator& evaluator,
                                                         store::StudyStore& store) {
#ifndef SYMNAS_HAVE_NN
  return nullptr;
#else
  auto* fixed = dynamic_cast<FixedParamsEvaluator*>(&evaluator);
  if (fixed == nullptr || fixed->inbox() == nullptr) return nullptr;
  return std::make_unique<WeightKeepingRecorder>(store, *fixed->inbox(),
                                                 KeepWeightsCount(evaluator_config));
#endif
}

std::string RetrainWeights(const nlohmann::json& evaluator_config, const search::Params& params,
                           std::uint64_t seed) {
#ifndef SYMNAS_HAVE_NN
  throw ConfigError("this symnas was built without libtorch: it cannot retrain a network");
#else
  nlohmann::json config = evaluator_config;
  config["keep_weights"] = "all";
  auto evaluator = MakeEvaluator(config);
  auto* fixed = dynamic_cast<FixedParamsEvaluator*>(evaluator.get());
  if (fixed == nullptr || fixed->inbox() == nullptr) {
    throw ConfigError(
        fmt::format("evaluator kind '{}' trains no network; only 'cnn' studies "
                    "have models to export",
                    config.value("kind", std::string("?"))));
  }
  const search::EvalResult result = evaluator->Evaluate(params, seed);
  std::optional<std::string> weights = fixed->inbox()->Take(seed);
  if (result.status != search::TrialStatus::kComplete || !weights) {
    throw Error("TrainError", fmt::format("retraining failed: {}", result.error));
  }
  return *weights;
#endif
}

namespace {

/// Whether `j` (an objective config) names `metric` as a key or a string value, at any depth.
bool NamesMetric(const nlohmann::json& j, const std::string& metric) {
  if (j.is_string()) return j.get<std::string>() == metric;
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      if (key == metric || NamesMetric(value, metric)) return true;
    }
  }
  if (j.is_array()) {
    for (const auto& value : j) {
      if (NamesMetric(value, metric)) return true;
    }
  }
  return false;
}

/// The int8 metrics exist only with the cnn evaluator's `int8: true`: an objective naming them
/// otherwise would fail its first trial.
void RequireInt8Option(const search::StudyConfig& config) {
  for (const char* metric : {search::kInt8AccuracyMetric, search::kQuantDropMetric}) {
    const bool measured = config.evaluator.value("kind", std::string()) == "cnn" &&
                          config.evaluator.value("int8", false);
    if (NamesMetric(config.objective, metric) && !measured) {
      throw ConfigError(fmt::format(
          "the objective uses '{}', which only the cnn evaluator reports, with `int8: true` "
          "under evaluator:",
          metric));
    }
  }
}

}  // namespace

std::unique_ptr<search::Evaluator> MakeEvaluator(const search::StudyConfig& config) {
  std::unique_ptr<search::Evaluator> evaluator;
  config.Locate("evaluator", [&] { evaluator = MakeEvaluator(config.evaluator); });
  config.Locate("objective", [&] { RequireInt8Option(config); });
  return evaluator;
}

namespace {

/// Adds `budget` (named `metric`) to the constraints unless an explicit tighter one is there.
void MergeBudget(nlohmann::json& constraints, const std::string& metric, double limit) {
  const bool tighter = !constraints.contains(metric) || !constraints[metric].is_number() ||
                       limit < constraints[metric].get<double>();
  if (tighter) constraints[metric] = limit;
}

}  // namespace

void ApplyDeviceBudgets(search::StudyConfig& config) {
  const bool one = config.evaluator.contains("device");
  const bool several = config.evaluator.contains("devices");
  if (!one && !several) return;
  // nasbench201's `device` names a latency column of the table, not a profile of devices/.
  if (config.evaluator.value("kind", std::string()) == "nasbench201") return;
  std::vector<hw::DeviceProfile> targets;
  if (several) targets = TargetProfiles(config.evaluator["devices"]);
  std::optional<hw::DeviceProfile> device;
  if (one) device = LoadDevice(config.evaluator["device"].get<std::string>());
  static const std::set<std::string> kWithConstraints = {"constrained", "weighted", "pareto"};
  const std::string kind = config.objective.value("kind", std::string());
  if (!kWithConstraints.count(kind)) {
    throw ConfigError(fmt::format(
        "evaluator device '{}' sets budgets, but objective '{}' takes no constraints; use "
        "objective kind constrained (or weighted, pareto), e.g. {{kind: constrained, maximise: "
        "accuracy, constraints: {{latency_ms: 5}}}}",
        device ? device->name : targets.front().name, kind));
  }
  nlohmann::json& constraints = config.objective["constraints"];
  if (!constraints.is_object()) constraints = nlohmann::json::object();
  if (device) {
    for (const hw::Budget& budget : hw::DeviceBudgets(*device)) {
      MergeBudget(constraints, budget.metric, budget.limit);
    }
  }
  // Each target device's limits bound its own copy of the metric (peak_memory_bytes@raspi4),
  // so an exceeded one names the device.
  for (const hw::DeviceProfile& target : targets) {
    for (const hw::Budget& budget : hw::DeviceBudgets(target)) {
      MergeBudget(constraints, budget.metric + "@" + target.name, budget.limit);
    }
  }
}

}  // namespace symnas::cli
