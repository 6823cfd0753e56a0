// Option readers shared by the CLI's evaluator kinds (evaluator_options.hpp): target devices
// and the cnn evaluator's hardware view.
#include "evaluator_options.hpp"

#include <fmt/core.h>

#include <set>

#include "symnas/common/error.hpp"
#include "symnas/hw/metrics.hpp"
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
#endif

}  // namespace symnas::cli
