// The path model: a Bayesian linear regression of a study's score on architecture features
// (BANANAS' path encoding for NAS-Bench-201 cells, SearchSpace::Encode otherwise), and its
// expected improvement. One home for the surrogate of `path_ei` and of the symbolic cell tuner's
// model-ordered moves (docs/tabular.md).
#pragma once

#include <Eigen/Dense>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "symnas/search/space.hpp"
#include "symnas/search/types.hpp"

namespace symnas::search {

/// Prior and noise of the regression, in score units.
struct PathModelOptions {
  double noise = 0.002;    ///< observation noise sd
  double prior_sd = 0.01;  ///< prior sd of every weight
};

/// Features: for NAS-Bench-201 cells (the space's defaults are a cell) one indicator per sequence
/// of non-`none` operations along an input-to-output path (4 + 16 + 64), the same for every cell
/// of one dead-code-eliminated network; other spaces use SearchSpace::Encode. Plus an intercept.
class PathFeatures {
 public:
  explicit PathFeatures(const SearchSpace& space);
  /// The features of a candidate projected on the space.
  Eigen::VectorXd operator()(const Params& projected) const;
  int size() const { return size_; }

 private:
  SearchSpace space_;  ///< a copy: the features stay valid when the caller's space changes
  bool nb201_cells_ = false;
  int size_ = 0;
};

/// Posterior of the weights after Fit: A = X'X / noise^2 + I / prior_sd^2,
/// w = A^-1 X'(y - mean) / noise^2; predictive variance x'A^-1 x + noise^2 (the noise term keeps
/// the cells of an already evaluated network worth trying: on NAS-Bench-201 each cell is one
/// training run).
class PathModel {
 public:
  /// Fits the scores `y` of the feature rows `x` (at least one row).
  PathModel(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, PathModelOptions options);
  /// Predictive mean and sd of every column of `candidates` (features x candidates).
  void Predict(const Eigen::MatrixXd& candidates, Eigen::VectorXd& mean, Eigen::VectorXd& sd) const;
  /// Expected improvement over the best fitted score of every column of `candidates`.
  Eigen::VectorXd ExpectedImprovement(const Eigen::MatrixXd& candidates) const;
  double best() const { return best_; }
  /// The model of `scored` (candidates projected on the features' space, with their scores; at
  /// least one).
  static PathModel Fit(const PathFeatures& features,
                       const std::vector<std::pair<Params, double>>& scored,
                       PathModelOptions options);

 private:
  PathModelOptions options_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
  Eigen::VectorXd w_;
  double mean_ = 0.0;
  double best_ = 0.0;
};

/// The candidates a model scores, with their features: the whole space when it is enumerable with
/// at most `enumerate_up_to` candidates (built once per space), else `pool_samples` random ones
/// drawn with the caller's RNG (options of the strategy; see CandidatePool).
struct FeaturePool {
  std::vector<Params> params;                          ///< projected on the space
  std::unordered_map<std::string, std::size_t> index;  ///< ParamsKey -> row
  Eigen::MatrixXd features;                            ///< one row per candidate
  std::vector<bool> within_budget;
  bool enumerated = false;

  /// Builds the pool of `space`; `within_budget` may be empty (every candidate is within).
  static FeaturePool Build(const SearchSpace& space, const nlohmann::json& options,
                           std::mt19937_64& rng, const PathFeatures& features,
                           const std::function<bool(const Params&)>& within_budget);
  /// Rows within budget whose candidate is not in `taken` (ParamsKey of projected candidates).
  template <class Keys>
  std::vector<std::size_t> OpenRows(const Keys& taken) const {
    std::vector<bool> out(params.size(), false);
    for (const auto& key : taken) {
      if (auto it = index.find(key); it != index.end()) out[it->second] = true;
    }
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (!out[i] && within_budget[i]) open.push_back(i);
    }
    return open;
  }
  /// The features of `rows` as columns (features x rows), for PathModel.
  Eigen::MatrixXd Columns(const std::vector<std::size_t>& rows) const;
};

/// The row of `open` of largest expected improvement under `model` (the first on ties).
std::size_t BestExpectedImprovement(const PathModel& model, const FeaturePool& pool,
                                    const std::vector<std::size_t>& open);

/// Expected improvement of a normal prediction (mean, sd) over `best`.
double ExpectedImprovement(double mean, double sd, double best);

}  // namespace symnas::search
