// Learned latency predictor: feature vectors (ArchFeatures, optionally extended) + measured
// latencies -> gradient-boosted trees (XGBoost C API) on log latency; save/load to a file.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "symnas/common/error.hpp"
#include "symnas/common/layer_spec.hpp"

namespace symnas::hw {

/// XGBoost reported a failure (bad model file, bad data).
class PredictorError : public Error {
 public:
  explicit PredictorError(std::string message, SourceLocation location = {})
      : Error("PredictorError", std::move(message), std::move(location)) {}
};

/// Hyper-parameters of the boosted trees.
struct PredictorOptions {
  int rounds = 1500;       ///< boosting iterations
  int max_depth = 3;       ///< tree depth
  double eta = 0.03;       ///< learning rate
  double subsample = 0.8;  ///< row subsampling per tree
  double colsample = 0.8;  ///< feature subsampling per tree
  double min_child_weight = 1;
  int seed = 0;  ///< XGBoost seed (training is deterministic given it)
  /// XGBoost objective: "reg:squarederror" on log latency (default) or "rank:pairwise" (one
  /// group: all training rows; the ranking score is then mapped to log latency by a
  /// least-squares line fitted on the training rows, a monotone map that keeps the ranking).
  std::string objective = "reg:squarederror";
};

/// A row-major feature matrix: rows[i] is one network's features.
using FeatureRows = std::vector<std::vector<double>>;

/// Gradient-boosted regression trees predicting latency_ms (trained on log latency so errors
/// are relative). `feature_set` names how rows were built ("arch" = ArchFeatures only).
class LatencyPredictor {
 public:
  LatencyPredictor();
  ~LatencyPredictor();
  LatencyPredictor(LatencyPredictor&&) noexcept;
  LatencyPredictor& operator=(LatencyPredictor&&) noexcept;

  /// Trains from scratch. Throws PredictorError on empty/ragged data or non-positive latency.
  void Train(const FeatureRows& rows, const std::vector<double>& latency_ms,
             const std::string& feature_set, const PredictorOptions& options = {});
  /// Predicted latency_ms for each row. Throws PredictorError when untrained or the row width
  /// differs from training.
  std::vector<double> Predict(const FeatureRows& rows) const;
  /// Prediction for one network from its ArchFeatures (feature_set must be "arch").
  double PredictLayers(const LayerList& layers) const;

  /// Saves the trees and metadata (feature set, width) as XGBoost JSON.
  void Save(const std::string& path) const;
  /// Loads a model saved by Save; PredictorError naming the file when it is not one.
  static LatencyPredictor Load(const std::string& path);

  bool trained() const;
  const std::string& feature_set() const { return feature_set_; }
  int num_features() const { return num_features_; }

 private:
  struct Booster;
  /// The booster's raw output per row (log latency, or a ranking score).
  std::vector<double> RawPredict(const FeatureRows& rows) const;
  /// rank:pairwise: fits log latency = offset + slope * score on the training rows.
  void Calibrate(const FeatureRows& rows, const std::vector<float>& log_ms);
  std::unique_ptr<Booster> booster_;
  std::string feature_set_;
  int num_features_ = 0;
  double calibration_offset_ = 0.0;  ///< log latency = offset + slope * booster output
  double calibration_slope_ = 1.0;
};

}  // namespace symnas::hw
