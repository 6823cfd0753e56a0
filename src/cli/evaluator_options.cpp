// Option readers shared by the CLI's evaluator kinds (evaluator_options.hpp): target devices,
// the cnn evaluator's option specs and its hardware view.
#include "evaluator_options.hpp"

#include <fmt/core.h>

#include <set>

#include "symnas/common/error.hpp"
#include "symnas/hw/metrics.hpp"
#ifdef SYMNAS_HAVE_NN
#include "symnas/nn/dataset.hpp"
#include "symnas/nn/trainer.hpp"
#endif
#ifdef SYMNAS_HW_HAVE_TORCH
#include "symnas/hw/torch_timer.hpp"
#endif

namespace symnas::cli {
namespace {

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

}  // namespace

/// The device of a `device:` option: a profile name of devices/ or a path to a YAML file.
hw::DeviceProfile LoadDevice(const std::string& device) {
  const bool is_path = device.find('/') != std::string::npos ||
                       (device.size() > 5 && device.substr(device.size() - 5) == ".yaml");
  return is_path ? hw::LoadProfile(device) : hw::LoadProfileByName(device, hw::DefaultDevicesDir());
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

#ifdef SYMNAS_HAVE_NN
const std::vector<OptionSpec>& CnnOptionSpecs() {
  static const nn::DataOptions kData;
  static const std::vector<OptionSpec> kSpecs = {
      {"dataset", kData.dataset, "a dataset of the nn table (docs/nn.md, \"Datasets\")"},
      {"dir", kData.dir, "the dataset's directory (empty: the format's default)"},
      {.name = "image_size",
       .default_value = nullptr,
       .description = "[height, width]: resize every image (image_folder; default: keep)",
       .type = OptionType::kList},
      {"channels", kData.image.channels,
       "1 (grey) or 3 (RGB), image_folder; 0: as the first image"},
      {"validation_size", kData.validation_size, "images carved from the training data", 1},
      {"train_subset", kData.train_subset, "training images used (0: all remaining)", 0},
      {"val_subset", kData.val_subset, "validation images scored (0: the whole split)", 0},
      {"split_seed", kData.split_seed, "seed of the train/validation split", 0},
      {"threads", nn::kDefaultThreads, "libtorch intra-op threads of each trial", 1},
      {.name = "epochs",
       .default_value = nullptr,
       .description = "fixed epochs of every candidate whose space does not set them",
       .low = 1,
       .type = OptionType::kInteger},
      {.name = "device",
       .default_value = nullptr,
       .description = "a profile of devices/ (or a YAML file): its limits join the "
                      "objective's constraints (docs/hw.md)",
       .type = OptionType::kString},
      {.name = "precision",
       .default_value = nullptr,
       .description = "fp32 or int8 weights and activations in the memory metrics (default "
                      "int8 on a device with flash, else fp32)",
       .type = OptionType::kString},
      {.name = "latency",
       .default_value = nullptr,
       .description = "true or {estimator, runs, warmup, cpu_clock, model, cache}: latency_ms "
                      "from an hw estimator before training",
       .type = OptionType::kAny},
      {.name = "keep_weights",
       .default_value = "best",
       .description = "trained weights kept: best, all, none or the best k (docs/nn.md)",
       .type = OptionType::kAny},
      {"int8", false, "also measure int8_accuracy and quant_drop (docs/nn.md, \"int8\")"},
      {.name = "devices",
       .default_value = nullptr,
       .description = "several target devices: [NAME | {device, estimator, model}, ...] "
                      "(docs/hw.md)",
       .type = OptionType::kList},
  };
  return kSpecs;
}

nlohmann::json CnnOptions(const nlohmann::json& evaluator_config) {
  return ResolveOptions({"evaluator", "cnn", ""}, CnnOptionSpecs(), evaluator_config, "kind");
}

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
  if (!latency.is_boolean() && !latency.is_object()) {
    throw ConfigError(
        "evaluator 'cnn': latency must be true or a mapping {estimator, runs, "
        "warmup, cpu_clock, model, cache}");
  }
  static const hw::TimingOptions kTiming;
  static const std::vector<OptionSpec> kLatencyOptions = {
      {"estimator", "measured", "an hw estimator: measured, lut, roofline or predictor"},
      {"runs", 20, "timed runs, median reported (measured, lut)", 1},
      {"warmup", kTiming.warmup_runs, "untimed runs first (measured, lut)", 0},
      {"cpu_clock", true, "time with the thread's CPU clock, not the wall clock"},
      {"model", "", "predictor: a model file of `symnas hw fit`"},
      {"cache", hw::kDefaultLutCache, "lut: the SQLite file of per-layer timings"},
  };
  const nlohmann::json o = ResolveOptions({"evaluator", "cnn", "latency"}, kLatencyOptions,
                                          latency.is_object() ? latency : nlohmann::json());
  const std::string name = o["estimator"].get<std::string>();
  hw::EstimatorContext context;
  const bool on_host = name == "measured" || name == "lut";
  // Host timings say nothing about another device's energy: its profile only serves the
  // analytical estimators (and the host's own profile).
  if (device && (!on_host || device->name == "host")) context.profile = device;
  context.lut_cache_path = o["cache"].get<std::string>();
  context.predictor_model_path = o["model"].get<std::string>();
  if (on_host) {
#ifdef SYMNAS_HW_HAVE_TORCH
    hw::TimingOptions timing;
    timing.timed_runs = o["runs"].get<int>();
    timing.warmup_runs = o["warmup"].get<int>();
    timing.threads = 1;
    timing.thread_cpu_clock = o["cpu_clock"].get<bool>();
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

/// `devices:` -> one estimator per device: roofline with its profile unless the entry says
/// {estimator: predictor, model: FILE} (a predictor fitted on that device, `symnas hw fit`).
/// Host timers (measured, lut) say nothing about another device: a ConfigError.
std::vector<TargetDevice> TargetDevices(const nlohmann::json& devices) {
  const std::vector<hw::DeviceProfile> profiles = TargetProfiles(devices);
  std::vector<TargetDevice> targets;
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    static const std::vector<OptionSpec> kEntryOptions = {
        {.name = "device",
         .default_value = nullptr,
         .description = "a profile of devices/ (or a YAML file)",
         .type = OptionType::kString,
         .required = true},
        {"estimator", "roofline", "roofline (the device's profile) or predictor"},
        {"model", "", "predictor: a model fitted on the device (`symnas hw fit`)"},
    };
    const nlohmann::json& entry = devices[i];
    const nlohmann::json o =
        ResolveOptions({"evaluator", "cnn", "devices entry"}, kEntryOptions,
                       entry.is_object() ? entry : nlohmann::json{{"device", entry}});
    const std::string name = o["estimator"].get<std::string>();
    if (name != "roofline" && name != "predictor") {
      throw ConfigError(fmt::format(
          "evaluator 'cnn': devices entry '{}' has estimator '{}'; a target device's latency "
          "comes from roofline (its profile) or predictor (a model fitted on it), not from "
          "timing this host",
          profiles[i].name, name));
    }
    hw::EstimatorContext context;
    context.profile = profiles[i];
    context.predictor_model_path = o["model"].get<std::string>();
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
#endif

}  // namespace symnas::cli
