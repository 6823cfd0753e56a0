// The four cost estimators and their one registry table: LayerList -> CostEstimate.
//   measured : times the whole network with the context's timer (host, batch 1)
//   lut      : sums per-layer timings cached per configuration in SQLite (FBNet, Wu et al. 2019)
//   roofline : analytical max(compute, memory) per layer from a device profile (an estimate)
//   predictor: XGBoost model trained on measurements (`symnas hw fit`)
#include <memory>

#include "symnas/common/error.hpp"
#include "symnas/common/name_table.hpp"
#include "symnas/hw/estimator.hpp"
#include "symnas/hw/layer_table.hpp"
#include "symnas/hw/predictor.hpp"
#include "symnas/hw/roofline.hpp"

namespace symnas::hw {

namespace {
// Energy of a measured latency: roofline's dynamic terms plus idle power over that latency.
std::optional<double> EnergyAt(const std::optional<DeviceProfile>& profile, const LayerList& layers,
                               double latency_ms) {
  if (!profile) return std::nullopt;
  const RooflineResult r = Roofline(layers, *profile);
  return r.energy_mj - profile->idle_power_w * r.latency_ms + profile->idle_power_w * latency_ms;
}

class MeasuredEstimator : public Estimator {
 public:
  explicit MeasuredEstimator(const EstimatorContext& c) : timer_(c.timer), profile_(c.profile) {}
  std::string Name() const override { return "measured"; }
  CostEstimate Estimate(const LayerList& layers) override {
    const Timing t = timer_->TimeNetwork(layers);
    CostEstimate e;
    e.latency_ms = t.median_ms;
    e.latency_spread = t.Spread();
    e.energy_mj = EnergyAt(profile_, layers, t.median_ms);
    return e;
  }

 private:
  std::shared_ptr<NetworkTimer> timer_;
  std::optional<DeviceProfile> profile_;
};

class LutEstimator : public Estimator {
 public:
  explicit LutEstimator(const EstimatorContext& c)
      : timer_(c.timer), profile_(c.profile), table_(c.lut_cache_path) {}
  std::string Name() const override { return "lut"; }
  CostEstimate Estimate(const LayerList& layers) override {
    const std::string timer_name = timer_->Describe();
    CostEstimate e;
    for (const LayerSpec& layer : layers) {
      const std::string key = LayerConfigKey(layer);
      std::optional<Timing> t = table_.Find(key, timer_name);
      if (!t) {
        t = timer_->TimeLayer(layer);
        table_.Put(key, timer_name, *t);
      }
      e.latency_ms += t->median_ms;
    }
    e.energy_mj = EnergyAt(profile_, layers, e.latency_ms);
    return e;
  }

 private:
  std::shared_ptr<NetworkTimer> timer_;
  std::optional<DeviceProfile> profile_;
  LayerLatencyTable table_;
};

class RooflineEstimator : public Estimator {
 public:
  explicit RooflineEstimator(const EstimatorContext& c) : profile_(*c.profile) {}
  std::string Name() const override { return "roofline"; }
  CostEstimate Estimate(const LayerList& layers) override {
    const RooflineResult r = Roofline(layers, profile_);
    CostEstimate e;
    e.latency_ms = r.latency_ms;
    e.energy_mj = r.energy_mj;
    e.analytical = true;
    return e;
  }

 private:
  DeviceProfile profile_;
};

class PredictorEstimator : public Estimator {
 public:
  explicit PredictorEstimator(const EstimatorContext& c)
      : model_(LatencyPredictor::Load(c.predictor_model_path)), profile_(c.profile) {
    if (model_.feature_set() != "arch") {
      throw ConfigError("predictor model '" + c.predictor_model_path + "' uses feature set '" +
                        model_.feature_set() +
                        "'; the estimator needs one trained on LayerList features ('arch')");
    }
  }
  std::string Name() const override { return "predictor"; }
  CostEstimate Estimate(const LayerList& layers) override {
    CostEstimate e;
    e.latency_ms = model_.PredictLayers(layers);
    e.energy_mj = EnergyAt(profile_, layers, e.latency_ms);
    e.analytical = true;
    return e;
  }

 private:
  LatencyPredictor model_;
  std::optional<DeviceProfile> profile_;
};

void Require(bool ok, const std::string& estimator, const std::string& what) {
  if (!ok) throw ConfigError("estimator '" + estimator + "' needs " + what);
}

std::unique_ptr<Estimator> MakeMeasured(const EstimatorContext& c) {
  Require(c.timer != nullptr, "measured",
          "a timer (libtorch: build with SYMNAS_WITH_TORCH and use MakeTorchTimer)");
  return std::make_unique<MeasuredEstimator>(c);
}

std::unique_ptr<Estimator> MakeLut(const EstimatorContext& c) {
  Require(c.timer != nullptr, "lut", "a timer (libtorch) to fill its table");
  Require(!c.lut_cache_path.empty(), "lut", "a cache file (lut_cache_path / --lut-cache)");
  return std::make_unique<LutEstimator>(c);
}

std::unique_ptr<Estimator> MakeRoofline(const EstimatorContext& c) {
  Require(c.profile.has_value(), "roofline", "a device profile (--device NAME)");
  return std::make_unique<RooflineEstimator>(c);
}

std::unique_ptr<Estimator> MakePredictor(const EstimatorContext& c) {
  Require(!c.predictor_model_path.empty(), "predictor",
          "a trained model file (predictor_model_path / --model, from `symnas hw fit`)");
  return std::make_unique<PredictorEstimator>(c);
}
}  // namespace

const std::vector<EstimatorEntry>& Estimators() {
  static const TimingOptions kTiming;
  static const std::vector<EstimatorEntry> kTable = {
      {"measured",
       "host latency of the whole network: batch 1, warm-up, median of N runs",
       {{"warmup_runs", kTiming.warmup_runs, "untimed runs first", 0},
        {"timed_runs", kTiming.timed_runs, "timed runs, median reported", 1},
        {"threads", kTiming.threads, "intra-op threads, fixed", 1}},
       &MakeMeasured},
      {"lut",
       "sum of per-layer host latencies, each configuration timed once and cached",
       {{.name = "lut_cache_path",
         .default_value = nullptr,
         .description = "SQLite file holding table hw_layer_latency",
         .type = OptionType::kString,
         .required = true}},
       &MakeLut},
      {"roofline",
       "analytical estimate: per layer max(compute, memory) time from a profile",
       {{.name = "device",
         .default_value = nullptr,
         .description = "device profile name (devices/<name>.yaml)",
         .type = OptionType::kString,
         .required = true}},
       &MakeRoofline},
      {"predictor",
       "learned latency model (XGBoost) trained by `symnas hw fit`",
       {{.name = "predictor_model_path",
         .default_value = nullptr,
         .description = "model file written by `symnas hw fit --out`",
         .type = OptionType::kString,
         .required = true}},
       &MakePredictor},
  };
  return kTable;
}

std::string EstimatorNames() {
  std::string names;
  for (const auto& e : Estimators()) names += (names.empty() ? "" : ", ") + std::string(e.name);
  return names;
}

std::unique_ptr<Estimator> MakeEstimator(const std::string& name, const EstimatorContext& context) {
  return FindByName(Estimators(), "estimator", name).make(context);
}

}  // namespace symnas::hw
