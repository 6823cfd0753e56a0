// The option readers the CLI's evaluator kinds share (evaluator_kinds.cpp): target devices
// (`device:`, `devices:`), the cnn evaluator's options (their specs, and its hardware view:
// precision, latency probe, several target devices). Internal to src/cli.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "symnas/common/options.hpp"
#include "symnas/hw/estimator.hpp"
#include "symnas/hw/profile.hpp"
#include "symnas/search/evaluator.hpp"
#ifdef SYMNAS_HAVE_NN
#include "symnas/nn/evaluator.hpp"
#endif

namespace symnas::cli {

/// The device of a `device:` option: a profile name of devices/ or a path to a YAML file.
hw::DeviceProfile LoadDevice(const std::string& device);
/// The profiles of `devices:` (several target devices, issue 18), in order; ConfigError for a
/// list that is not one, or a device named twice (its metrics would collide).
std::vector<hw::DeviceProfile> TargetProfiles(const nlohmann::json& devices);

#ifdef SYMNAS_HAVE_NN
/// The options of the `cnn` evaluator kind (data, training and hardware ones; defaults from
/// nn::DataOptions and nn::TrainOptions): the evaluator table and --help list them.
const std::vector<OptionSpec>& CnnOptionSpecs();
/// A `cnn` evaluator config (its `kind` skipped) resolved against CnnOptionSpecs(): checked
/// before the study starts, since a bad number would fail every trial.
nlohmann::json CnnOptions(const nlohmann::json& evaluator_config);
/// `precision:` of the cnn evaluator; without it int8 for a device with flash, fp32 otherwise.
nn::StoragePrecision PrecisionOption(const nlohmann::json& options,
                                     const std::optional<hw::DeviceProfile>& device);
/// `latency:` of the cnn evaluator: an hw estimator as the evaluator's hardware probe.
nn::HardwareProbe LatencyProbe(const nlohmann::json& latency,
                               const std::optional<hw::DeviceProfile>& device);
/// One target device of `devices:`: its name and the estimator of its latency.
struct TargetDevice {
  std::string name;
  std::shared_ptr<hw::Estimator> estimator;
};
/// `devices:` -> one estimator per device (roofline with its profile, or a fitted predictor).
std::vector<TargetDevice> TargetDevices(const nlohmann::json& devices);
/// `probe` plus, for each target device D, latency_ms@D, energy_mj@D, peak_memory_bytes@D and
/// model_size_bytes@D.
nn::HardwareProbe WithTargetDevices(nn::HardwareProbe probe, std::vector<TargetDevice> targets,
                                    nn::StoragePrecision precision);
#endif

}  // namespace symnas::cli
