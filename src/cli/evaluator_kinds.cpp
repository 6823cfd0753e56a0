// Evaluator kinds of the CLI: synthetic test functions and the NAS-Bench-201 table (always), the
// CNN trainer (nn layer) with its hardware view (device profile, storage precision, latency from
// an hw estimator), and the study recorder that keeps the trained weights of the best trials.
#include "evaluator_kinds.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <random>
#include <set>

#include "symnas/common/error.hpp"
#include "symnas/hw/csv.hpp"
#include "symnas/hw/estimator.hpp"
#include "symnas/hw/fewshot.hpp"
#include "symnas/hw/metrics.hpp"
#include "symnas/hw/profile.hpp"
#include "symnas/search/synthetic.hpp"
#include "symnas/tabular/nb201_search.hpp"
#ifdef SYMNAS_HAVE_NN
#include "symnas/nn/evaluator.hpp"
#include "symnas/nn/export.hpp"
#endif
#ifdef SYMNAS_HW_HAVE_TORCH
#include "symnas/hw/torch_timer.hpp"
#endif

namespace symnas::cli {

namespace {
std::unique_ptr<search::Evaluator> MakeSynthetic(const nlohmann::json& options) {
  return std::make_unique<search::SyntheticEvaluator>(search::SyntheticOptions::FromJson(options));
}

/// The device of a `device:` option: a profile name of devices/ or a path to a YAML file.
hw::DeviceProfile LoadDevice(const std::string& device) {
  const bool is_path = device.find('/') != std::string::npos ||
                       (device.size() > 5 && device.substr(device.size() - 5) == ".yaml");
  return is_path ? hw::LoadProfile(device) : hw::LoadProfileByName(device, hw::DefaultDevicesDir());
}

/// The device an entry of the cnn evaluator's `devices:` list names: NAME, a path to a YAML
/// file, or a mapping {device: NAME, estimator, model}.
std::string DeviceEntryName(const nlohmann::json& entry) {
  if (entry.is_string()) return entry.get<std::string>();
  if (entry.is_object() && entry.contains("device") && entry["device"].is_string()) {
    return entry["device"].get<std::string>();
  }
  throw ConfigError(
      fmt::format("evaluator 'cnn': each entry of devices must be a device name or {{device: NAME, "
                  "estimator: roofline | predictor, model: FILE}}, got {}",
                  entry.dump()));
}

/// The profiles of `devices:` (several target devices, issue 18), in order; ConfigError for a
/// list that is not one, or a device named twice (its metrics would collide).
std::vector<hw::DeviceProfile> TargetProfiles(const nlohmann::json& devices) {
  if (!devices.is_array() || devices.empty()) {
    throw ConfigError(
        "evaluator 'cnn': devices must be a non-empty list, e.g. devices: [raspi4, jetson_nano]");
  }
  std::vector<hw::DeviceProfile> profiles;
  std::set<std::string> names;
  for (const nlohmann::json& entry : devices) {
    profiles.push_back(LoadDevice(DeviceEntryName(entry)));
    const std::string& name = profiles.back().name;
    if (name.empty() || name.find('@') != std::string::npos || !names.insert(name).second) {
      throw ConfigError(fmt::format(
          "evaluator 'cnn': devices names '{}' twice or with an '@'; each device's metrics are "
          "named <metric>@<device name>, so the names must differ",
          name));
    }
  }
  return profiles;
}

/// `nasbench201`: table look-ups (tabular::Nb201Evaluator) that own their table.
class Nb201TableEvaluator : public search::Evaluator {
 public:
  Nb201TableEvaluator(std::shared_ptr<const tabular::Nb201Table> table,
                      tabular::Nb201Dataset dataset, tabular::Nb201Device device)
      : table_(std::move(table)), inner_(*table_, dataset, device) {}
  std::map<std::string, double> EstimateCosts(const search::Params& params) override {
    return inner_.EstimateCosts(params);
  }
  search::EvalResult Evaluate(const search::Params& params, std::uint64_t seed) override {
    return inner_.Evaluate(params, seed);
  }
  tabular::Nb201Evaluator& inner() { return inner_; }

 private:
  std::shared_ptr<const tabular::Nb201Table> table_;
  tabular::Nb201Evaluator inner_;
};

/// `latency: {estimator: fewshot, shots: K | FILE.csv, seed}` of the nasbench201 evaluator:
/// latency_ms predicted for a new device from the other devices' columns and measured cells
/// (hw/fewshot.hpp). `shots: K` simulates the measurements with K cells of the `device` column
/// (which is then hidden from the study); `shots: FILE.csv` reads measured cells (columns arch,
/// latency_ms) of a device the table does not have (`device` may then be any name).
void SetFewShotLatency(Nb201TableEvaluator& evaluator, const tabular::Nb201Table& table,
                       const nlohmann::json& latency, const std::string& device_name) {
  static const std::set<std::string> kKeys = {"estimator", "shots", "seed"};
  if (!latency.is_object()) {
    throw ConfigError(
        "evaluator 'nasbench201': latency must be a mapping {estimator: fewshot, shots, seed}");
  }
  for (const auto& [key, value] : latency.items()) {
    if (!kKeys.count(key)) {
      throw ConfigError("evaluator 'nasbench201': latency has no option '" + key +
                        "' (options: estimator, shots, seed)");
    }
  }
  if (latency.value("estimator", std::string()) != "fewshot") {
    throw ConfigError(
        "evaluator 'nasbench201': latency estimator must be 'fewshot' (the table "
        "itself gives measured latency without a latency option)");
  }
  if (!latency.contains("shots")) {
    throw ConfigError("evaluator 'nasbench201': latency fewshot needs shots: K or a CSV file");
  }
  std::vector<hw::Nb201Cell> cells;
  for (const auto& entry : table.entries())
    cells.push_back(hw::ParseNb201Cell(tabular::Nb201ArchString(entry.ops)));
  std::optional<tabular::Nb201Device> target;
  for (tabular::Nb201Device d : tabular::kNb201Devices) {
    if (device_name == tabular::Nb201DeviceName(d)) target = d;
  }
  std::vector<std::string> names;
  std::vector<std::vector<double>> refs;
  for (tabular::Nb201Device d : tabular::kNb201Devices) {
    if (target && d == *target) continue;
    names.push_back(tabular::Nb201DeviceName(d));
    refs.emplace_back();
    for (const auto& entry : table.entries())
      refs.back().push_back(table.LatencyMs(entry.index, d));
  }
  std::vector<hw::LatencyShot> shots;
  std::string source;
  if (latency["shots"].is_number_integer()) {
    if (!target) {
      throw ConfigError("evaluator 'nasbench201': shots: K samples the table's column of device '" +
                        device_name + "', which it does not have; give a CSV of measured cells");
    }
    const int k = latency["shots"].get<int>();
    std::vector<size_t> order(table.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(latency.value("seed", 0));
    std::shuffle(order.begin(), order.end(), rng);
    if (k < 3 || static_cast<size_t>(k) > order.size()) {
      throw ConfigError(
          fmt::format("evaluator 'nasbench201': shots {} must be in [3, {}]", k, order.size()));
    }
    for (int i = 0; i < k; ++i) {
      shots.push_back({order[static_cast<size_t>(i)],
                       table.LatencyMs(static_cast<int>(order[static_cast<size_t>(i)]), *target)});
    }
    source = fmt::format("fewshot ({} sampled cells of {})", k, device_name);
  } else if (latency["shots"].is_string()) {
    const std::string path = latency["shots"].get<std::string>();
    const hw::CsvTable csv = hw::ReadCsv(path);
    const int arch = csv.Column("arch"), ms = csv.Column("latency_ms");
    for (size_t r = 0; r < csv.rows.size(); ++r) {
      const int index =
          table.IndexOf(tabular::ParseNb201Arch(csv.rows[r][static_cast<size_t>(arch)]));
      shots.push_back({static_cast<size_t>(index), csv.Number(r, ms)});
    }
    source = fmt::format("fewshot ({} measured cells, {})", shots.size(), path);
  } else {
    throw ConfigError("evaluator 'nasbench201': latency shots must be a count K or a CSV file");
  }
  hw::FewShotFit fit = hw::FitFewShot(cells, names, refs, shots);
  source += ": " + fit.connected_model + " / " + fit.disconnected_model;
  evaluator.inner().SetLatencyOverride(std::move(fit.predicted_ms), source, target.has_value());
}

/// Options: data (nasbench201_hw.csv, default the shipped copy), dataset, device, latency.
std::unique_ptr<search::Evaluator> MakeNb201(const nlohmann::json& options) {
  for (const auto& [key, value] : options.items()) {
    if (key != "kind" && key != "data" && key != "dataset" && key != "device" && key != "latency") {
      throw ConfigError(fmt::format(
          "evaluator 'nasbench201' has no option '{}' (options: data, dataset, device, latency)",
          key));
    }
  }
  auto table = std::make_shared<const tabular::Nb201Table>(
      tabular::Nb201Table::Load(options.value("data", tabular::DefaultNb201CsvPath())));
  const std::string device = options.value("device", "raspi4");
  const bool fewshot = options.contains("latency");
  // A few-shot device may be new to the table: its latency_ms is the prediction alone.
  bool known = false;
  for (auto d : tabular::kNb201Devices) known = known || device == tabular::Nb201DeviceName(d);
  auto evaluator = std::make_unique<Nb201TableEvaluator>(
      table, tabular::ParseNb201Dataset(options.value("dataset", "cifar10")),
      fewshot && !known ? tabular::Nb201Device::kRaspi4 : tabular::ParseNb201Device(device));
  if (fewshot) SetFewShotLatency(*evaluator, *table, options["latency"], device);
  return evaluator;
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

/// `precision:` of the cnn evaluator; without it int8 for a device with flash (a
/// microcontroller stores int8 weights in flash), fp32 otherwise.
nn::StoragePrecision PrecisionOption(const nlohmann::json& options,
                                     const std::optional<hw::DeviceProfile>& device) {
  if (!options.contains("precision")) {
    return device && device->flash_bytes ? nn::StoragePrecision::kInt8
                                         : nn::StoragePrecision::kFp32;
  }
  const auto name = options["precision"].get<std::string>();
  if (name == "fp32") return nn::StoragePrecision::kFp32;
  if (name == "int8") return nn::StoragePrecision::kInt8;
  throw ConfigError("evaluator 'cnn': precision '" + name + "' is not fp32 or int8");
}

/// `latency:` of the cnn evaluator -> a probe giving latency_ms (and energy_mj when the
/// estimator models energy). `true` or a mapping {estimator (measured), runs (20), warmup (5),
/// cpu_clock (true), model (predictor file), cache (lut SQLite file)}.
nn::HardwareProbe LatencyProbe(const nlohmann::json& latency,
                               const std::optional<hw::DeviceProfile>& device) {
  if (latency.is_boolean() && !latency.get<bool>()) return {};
  const nlohmann::json o = latency.is_object() ? latency : nlohmann::json::object();
  if (!latency.is_boolean() && !latency.is_object()) {
    throw ConfigError(
        "evaluator 'cnn': latency must be true or a mapping {estimator, runs, "
        "warmup, cpu_clock, model, cache}");
  }
  static const std::set<std::string> kKeys = {"estimator", "runs",  "warmup",
                                              "cpu_clock", "model", "cache"};
  for (const auto& [key, value] : o.items()) {
    if (!kKeys.count(key)) {
      throw ConfigError("evaluator 'cnn': latency has no option '" + key +
                        "' (options: estimator, runs, warmup, cpu_clock, model, cache)");
    }
  }
  const std::string name = o.value("estimator", std::string("measured"));
  hw::EstimatorContext context;
  const bool on_host = name == "measured" || name == "lut";
  // Host timings say nothing about another device's energy: its profile only serves the
  // analytical estimators (and the host's own profile).
  if (device && (!on_host || device->name == "host")) context.profile = device;
  context.lut_cache_path = o.value("cache", std::string(hw::kDefaultLutCache));
  context.predictor_model_path = o.value("model", std::string());
  if (on_host) {
#ifdef SYMNAS_HW_HAVE_TORCH
    hw::TimingOptions timing;
    timing.timed_runs = o.value("runs", 20);
    timing.warmup_runs = o.value("warmup", 5);
    timing.threads = 1;
    timing.thread_cpu_clock = o.value("cpu_clock", true);
    context.timer = hw::MakeTorchTimer(timing);
#endif
  }
  std::shared_ptr<hw::Estimator> estimator = hw::MakeEstimator(name, context);
  return [estimator](const nn::CostReport& cost) {
    const hw::CostEstimate estimate = estimator->Estimate(cost.layers);
    std::map<std::string, double> metrics = {{"latency_ms", estimate.latency_ms}};
    if (estimate.energy_mj) metrics["energy_mj"] = *estimate.energy_mj;
    if (!estimate.analytical) metrics["latency_spread"] = estimate.latency_spread;
    return metrics;
  };
}

/// `int8:` of the cnn evaluator (default false): measure int8_accuracy and quant_drop.
bool Int8Option(const nlohmann::json& options) {
  if (!options.contains("int8")) return false;
  if (!options["int8"].is_boolean()) {
    throw ConfigError(fmt::format("evaluator option 'int8' must be true or false, got {}",
                                  options["int8"].dump()));
  }
  return options["int8"].get<bool>();
}

/// One target device of `devices:`: its name and the estimator of its latency.
struct TargetDevice {
  std::string name;
  std::shared_ptr<hw::Estimator> estimator;
};

/// `devices:` -> one estimator per device: roofline with its profile unless the entry says
/// {estimator: predictor, model: FILE} (a predictor fitted on that device, `symnas hw fit`).
/// Host timers (measured, lut) say nothing about another device: a ConfigError.
std::vector<TargetDevice> TargetDevices(const nlohmann::json& devices) {
  const std::vector<hw::DeviceProfile> profiles = TargetProfiles(devices);
  std::vector<TargetDevice> targets;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    const nlohmann::json& entry = devices[i];
    const nlohmann::json o = entry.is_object() ? entry : nlohmann::json::object();
    for (const auto& [key, value] : o.items()) {
      if (key != "device" && key != "estimator" && key != "model") {
        throw ConfigError("evaluator 'cnn': a devices entry has no option '" + key +
                          "' (options: device, estimator, model)");
      }
    }
    const std::string name = o.value("estimator", std::string("roofline"));
    if (name != "roofline" && name != "predictor") {
      throw ConfigError(fmt::format(
          "evaluator 'cnn': devices entry '{}' has estimator '{}'; a target device's latency "
          "comes from roofline (its profile) or predictor (a model fitted on it), not from "
          "timing this host",
          profiles[i].name, name));
    }
    hw::EstimatorContext context;
    context.profile = profiles[i];
    context.predictor_model_path = o.value("model", std::string());
    targets.push_back({profiles[i].name, hw::MakeEstimator(name, context)});
  }
  return targets;
}

/// `probe` plus, for each target device D, latency_ms@D and energy_mj@D from its estimator and
/// peak_memory_bytes@D / model_size_bytes@D (the evaluator's precision; they carry D's limits).
nn::HardwareProbe WithTargetDevices(nn::HardwareProbe probe, std::vector<TargetDevice> targets,
                                    nn::StoragePrecision precision) {
  return [probe = std::move(probe), targets = std::move(targets),
          precision](const nn::CostReport& cost) {
    std::map<std::string, double> metrics;
    if (probe) metrics = probe(cost);
    const std::map<std::string, double> memory = nn::PrecisionCostMetrics(cost, precision);
    for (const TargetDevice& target : targets) {
      const hw::CostEstimate estimate = target.estimator->Estimate(cost.layers);
      metrics["latency_ms@" + target.name] = estimate.latency_ms;
      if (estimate.energy_mj) metrics["energy_mj@" + target.name] = *estimate.energy_mj;
      for (const char* name : {"peak_memory_bytes", "model_size_bytes"}) {
        metrics[std::string(name) + "@" + target.name] = memory.at(name);
      }
    }
    return metrics;
  };
}

/// `cnn`: trains the CNN template (nn::TrainingEvaluator) on a dataset of the nn table.
/// Options: dataset, dir, image_size ([h, w], image_folder), channels (1 or 3, image_folder),
/// validation_size, train_subset, val_subset, split_seed, threads,
/// epochs (a fixed template parameter of every candidate unless the space sets it); hardware:
/// device, precision, latency (see docs/hw.md, "Budgets in a study"); int8 (docs/nn.md, "int8").
std::unique_ptr<search::Evaluator> MakeCnn(const nlohmann::json& options) {
  static const char* kOptions[] = {"kind",       "dataset",         "dir",          "image_size",
                                   "channels",   "validation_size", "train_subset", "val_subset",
                                   "split_seed", "threads",         "epochs",       "device",
                                   "precision",  "latency",         "keep_weights", "int8",
                                   "devices"};
  for (const auto& [key, value] : options.items()) {
    bool known = false;
    for (const char* k : kOptions) known |= key == k;
    if (!known) {
      throw ConfigError(fmt::format(
          "evaluator 'cnn' has no option '{}' (options: dataset, dir, image_size, channels, "
          "validation_size, train_subset, val_subset, split_seed, threads, epochs, device, "
          "precision, latency, keep_weights, int8, devices)",
          key));
    }
  }
  // Numbers are checked here, before the study starts: a bad one would fail every trial.
  auto at_least = [&](const char* key, std::int64_t low) {
    if (!options.contains(key)) return;
    const nlohmann::json& v = options[key];
    if (!v.is_number_integer() || v.get<std::int64_t>() < low) {
      throw ConfigError(fmt::format("evaluator option '{}' must be an integer >= {}, got {}", key,
                                    low, v.dump()));
    }
  };
  at_least("epochs", 1);
  at_least("validation_size", 1);
  at_least("train_subset", 0);
  at_least("val_subset", 0);
  at_least("split_seed", 0);
  at_least("threads", 1);
  std::optional<hw::DeviceProfile> device;
  if (options.contains("device")) device = LoadDevice(options["device"].get<std::string>());
  nn::HardwareOptions hardware;
  hardware.precision = PrecisionOption(options, device);
  hardware.int8_accuracy = Int8Option(options);
  if (options.contains("latency")) hardware.probe = LatencyProbe(options["latency"], device);
  if (options.contains("devices")) {
    hardware.probe = WithTargetDevices(std::move(hardware.probe), TargetDevices(options["devices"]),
                                       hardware.precision);
  }
  nn::TrainOptions train;
  train.threads = options.value("threads", train.threads);
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
       &MakeSynthetic},
      {"nasbench201",
       "NAS-Bench-201 table look-up: 200-epoch accuracy (data, dataset) and measured latency_ms "
       "(device); use with the edge_0..edge_5 space of examples/nasbench201_symbolic.yaml",
       &MakeNb201},
#ifdef SYMNAS_HAVE_NN
      {"cnn", "train the CNN template with libtorch on a dataset (validation split scores it)",
       &MakeCnn},
#endif
  };
  return kKinds;
}

#ifdef SYMNAS_HAVE_NN
nn::DataOptions CnnDataOptions(const nlohmann::json& options) {
  nn::DataOptions data;
  data.dataset = options.value("dataset", data.dataset);
  data.dir = options.value("dir", data.dir);
  if (options.contains("image_size")) {
    const auto size = options["image_size"].get<std::vector<int>>();
    if (size.size() != 2) {
      throw ConfigError("evaluator 'cnn': image_size must be [height, width], e.g. [32, 32]");
    }
    data.image.height = size[0];
    data.image.width = size[1];
  }
  data.image.channels = options.value("channels", data.image.channels);
  data.validation_size = options.value("validation_size", data.validation_size);
  data.train_subset = options.value("train_subset", data.train_subset);
  data.val_subset = options.value("val_subset", data.val_subset);
  data.split_seed = options.value("split_seed", data.split_seed);
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

int KeepWeightsCount(const nlohmann::json& config) {
  if (!config.contains("keep_weights")) return 1;
  const nlohmann::json& v = config["keep_weights"];
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
