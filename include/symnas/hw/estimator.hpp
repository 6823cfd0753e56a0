// The cost-estimator interface (LayerList -> latency_ms, energy_mj) and its one explicit
// registry table: measured, lut, roofline, predictor. Unknown names -> UnknownNameError.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "symnas/common/layer_spec.hpp"
#include "symnas/common/options.hpp"
#include "symnas/hw/profile.hpp"
#include "symnas/hw/timer.hpp"

namespace symnas::hw {

/// The lut estimator's cache file when none is named (`symnas hw --lut-cache`, the cnn
/// evaluator's `latency: {cache: ...}`): one default for every entry point.
inline constexpr const char* kDefaultLutCache = "symnas_lut.sqlite";

/// What an estimator says about one network at batch 1.
struct CostEstimate {
  double latency_ms = 0;            ///< estimated or measured latency
  std::optional<double> energy_mj;  ///< energy per inference, when the estimator models it
  double latency_spread = 0;        ///< measured: (p90 - p10) / median; 0 otherwise
  bool analytical = false;          ///< true for model-based estimates (roofline, predictor)
};

/// One cost estimator. Implementations may cache (lut) and may be slow (measured).
class Estimator {
 public:
  virtual ~Estimator() = default;
  /// The registry name ("roofline").
  virtual std::string Name() const = 0;
  /// Cost of the network. Throws ArchError for a layer list the estimator cannot handle.
  virtual CostEstimate Estimate(const LayerList& layers) = 0;
};

/// Everything a factory may need; each estimator says which parts it requires.
struct EstimatorContext {
  std::optional<DeviceProfile> profile;  ///< roofline (and energy of lut/measured)
  std::shared_ptr<NetworkTimer> timer;   ///< measured, lut (libtorch: MakeTorchTimer)
  std::string lut_cache_path;            ///< lut: SQLite file holding the per-layer table
  std::string predictor_model_path;      ///< predictor: a model saved by LatencyPredictor
};

/// One line of the estimator table.
struct EstimatorEntry {
  const char* name;         ///< snake_case registry name
  const char* description;  ///< one line
  /// What it takes from the EstimatorContext (and the timer's TimingOptions), for --help.
  std::vector<OptionSpec> params;
  std::unique_ptr<Estimator> (*make)(const EstimatorContext& context);
};

/// The table of every estimator, in a fixed order.
const std::vector<EstimatorEntry>& Estimators();

/// Builds an estimator by name; UnknownNameError listing the names, ConfigError when the
/// context lacks what the estimator requires (e.g. a timer without libtorch).
std::unique_ptr<Estimator> MakeEstimator(const std::string& name, const EstimatorContext& context);

/// "measured, lut, roofline, predictor".
std::string EstimatorNames();

}  // namespace symnas::hw
