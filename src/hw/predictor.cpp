// FeatureRows + latencies -> XGBoost booster (C API of Debian's libxgboost) -> predictions.
// Steps: build a float DMatrix, set squared-error on log(latency), boost `rounds` iterations,
// predict exp(output). Metadata travels inside the model as booster attributes.
#include "symnas/hw/predictor.hpp"

#include <fmt/core.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "symnas/hw/features.hpp"

namespace symnas::hw {

namespace {
void Check(int rc, const std::string& what) {
  if (rc != 0) throw PredictorError(what + ": " + XGBGetLastError());
}

// An owned DMatrix built from rows.
struct Matrix {
  DMatrixHandle handle = nullptr;
  Matrix(const FeatureRows& rows, int width) {
    std::vector<float> flat;
    flat.reserve(rows.size() * static_cast<size_t>(width));
    for (const auto& row : rows) {
      if (static_cast<int>(row.size()) != width) {
        throw PredictorError("feature row has " + std::to_string(row.size()) +
                             " values, the model expects " + std::to_string(width));
      }
      for (double v : row) flat.push_back(static_cast<float>(v));
    }
    Check(XGDMatrixCreateFromMat(flat.data(), rows.size(), static_cast<bst_ulong>(width), NAN,
                                 &handle),
          "XGDMatrixCreateFromMat");
  }
  ~Matrix() { XGDMatrixFree(handle); }
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;
};
}  // namespace

struct LatencyPredictor::Booster {
  BoosterHandle handle = nullptr;
  explicit Booster(DMatrixHandle* dmats = nullptr, bst_ulong count = 0) {
    Check(XGBoosterCreate(dmats, count, &handle), "XGBoosterCreate");
  }
  ~Booster() { XGBoosterFree(handle); }
  void Set(const char* key, const std::string& value) {
    Check(XGBoosterSetParam(handle, key, value.c_str()), std::string("set ") + key);
  }
};

LatencyPredictor::LatencyPredictor() = default;
LatencyPredictor::~LatencyPredictor() = default;
LatencyPredictor::LatencyPredictor(LatencyPredictor&&) noexcept = default;
LatencyPredictor& LatencyPredictor::operator=(LatencyPredictor&&) noexcept = default;

bool LatencyPredictor::trained() const { return booster_ != nullptr; }

void LatencyPredictor::Train(const FeatureRows& rows, const std::vector<double>& latency_ms,
                             const std::string& feature_set, const PredictorOptions& options) {
  if (rows.empty() || rows.size() != latency_ms.size()) {
    throw PredictorError("training needs one latency per feature row and at least one row (got " +
                         std::to_string(rows.size()) + " rows, " +
                         std::to_string(latency_ms.size()) + " latencies)");
  }
  const int width = static_cast<int>(rows.front().size());
  Matrix train(rows, width);
  std::vector<float> labels;
  for (double ms : latency_ms) {
    if (!(ms > 0) || !std::isfinite(ms)) {
      throw PredictorError("latencies must be positive and finite, got " + std::to_string(ms));
    }
    labels.push_back(static_cast<float>(std::log(ms)));
  }
  Check(XGDMatrixSetFloatInfo(train.handle, "label", labels.data(), labels.size()), "set labels");
  auto booster = std::make_unique<Booster>(&train.handle, 1);
  const bool ranking = options.objective == "rank:pairwise";
  if (!ranking && options.objective != "reg:squarederror") {
    throw PredictorError("predictor objective '" + options.objective +
                         "' is not reg:squarederror or rank:pairwise");
  }
  if (ranking) {
    const unsigned group = static_cast<unsigned>(rows.size());
    Check(XGDMatrixSetUIntInfo(train.handle, "group", &group, 1), "set group");
  }
  booster->Set("objective", options.objective);
  booster->Set("max_depth", std::to_string(options.max_depth));
  booster->Set("eta", std::to_string(options.eta));
  booster->Set("subsample", std::to_string(options.subsample));
  booster->Set("colsample_bytree", std::to_string(options.colsample));
  booster->Set("min_child_weight", std::to_string(options.min_child_weight));
  booster->Set("seed", std::to_string(options.seed));
  booster->Set("nthread", "1");
  booster->Set("verbosity", "0");
  for (int it = 0; it < options.rounds; ++it) {
    Check(XGBoosterUpdateOneIter(booster->handle, it, train.handle), "XGBoosterUpdateOneIter");
  }
  booster_ = std::move(booster);
  feature_set_ = feature_set;
  num_features_ = width;
  calibration_offset_ = 0.0;
  calibration_slope_ = 1.0;
  if (ranking) Calibrate(rows, labels);
}

void LatencyPredictor::Calibrate(const FeatureRows& rows, const std::vector<float>& log_ms) {
  const std::vector<double> score = RawPredict(rows);
  double mean_s = 0, mean_y = 0;
  for (size_t i = 0; i < score.size(); ++i) mean_s += score[i], mean_y += log_ms[i];
  mean_s /= static_cast<double>(score.size());
  mean_y /= static_cast<double>(score.size());
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < score.size(); ++i) {
    sxy += (score[i] - mean_s) * (log_ms[i] - mean_y);
    sxx += (score[i] - mean_s) * (score[i] - mean_s);
  }
  calibration_slope_ = sxx > 0 ? sxy / sxx : 0.0;
  calibration_offset_ = mean_y - calibration_slope_ * mean_s;
  Check(XGBoosterSetAttr(booster_->handle, "symnas_calibration_offset",
                         fmt::format("{:.17g}", calibration_offset_).c_str()),
        "set attribute");
  Check(XGBoosterSetAttr(booster_->handle, "symnas_calibration_slope",
                         fmt::format("{:.17g}", calibration_slope_).c_str()),
        "set attribute");
}

std::vector<double> LatencyPredictor::RawPredict(const FeatureRows& rows) const {
  Matrix data(rows, num_features_);
  bst_ulong len = 0;
  const float* out = nullptr;
  Check(XGBoosterPredict(booster_->handle, data.handle, 0, 0, 0, &len, &out), "XGBoosterPredict");
  return std::vector<double>(out, out + len);
}

std::vector<double> LatencyPredictor::Predict(const FeatureRows& rows) const {
  if (!trained()) throw PredictorError("the predictor is not trained; train or load it first");
  if (rows.empty()) return {};
  std::vector<double> ms = RawPredict(rows);
  for (double& v : ms) v = std::exp(calibration_offset_ + calibration_slope_ * v);
  return ms;
}

double LatencyPredictor::PredictLayers(const LayerList& layers) const {
  if (feature_set_ != "arch") {
    throw PredictorError("this model was trained on feature set '" + feature_set_ +
                         "'; only 'arch' models predict from a LayerList alone");
  }
  return Predict({ArchFeatures(layers)}).front();
}

void LatencyPredictor::Save(const std::string& path) const {
  if (!trained()) throw PredictorError("cannot save an untrained predictor");
  Check(XGBoosterSetAttr(booster_->handle, "symnas_feature_set", feature_set_.c_str()),
        "set attribute");
  Check(XGBoosterSetAttr(booster_->handle, "symnas_num_features",
                         std::to_string(num_features_).c_str()),
        "set attribute");
  Check(XGBoosterSaveModel(booster_->handle, path.c_str()), "saving model to '" + path + "'");
}

LatencyPredictor LatencyPredictor::Load(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw PredictorError("predictor model file '" + path +
                         "' does not exist; train one with "
                         "`symnas hw fit --out " +
                         path + "`");
  }
  LatencyPredictor p;
  auto booster = std::make_unique<Booster>();
  Check(XGBoosterLoadModel(booster->handle, path.c_str()), "loading model '" + path + "'");
  const char* value = nullptr;
  int found = 0;
  Check(XGBoosterGetAttr(booster->handle, "symnas_feature_set", &value, &found), "get attribute");
  if (!found) throw PredictorError("'" + path + "' is not a symnas latency model (no metadata)");
  p.feature_set_ = value;
  Check(XGBoosterGetAttr(booster->handle, "symnas_num_features", &value, &found), "get attribute");
  if (!found) throw PredictorError("'" + path + "' lacks symnas_num_features");
  p.num_features_ = std::stoi(value);
  Check(XGBoosterGetAttr(booster->handle, "symnas_calibration_offset", &value, &found),
        "get attribute");
  if (found) p.calibration_offset_ = std::stod(value);
  Check(XGBoosterGetAttr(booster->handle, "symnas_calibration_slope", &value, &found),
        "get attribute");
  if (found) p.calibration_slope_ = std::stod(value);
  p.booster_ = std::move(booster);
  return p;
}

}  // namespace symnas::hw
