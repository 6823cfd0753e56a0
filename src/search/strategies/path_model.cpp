// The path model (see path_model.hpp): path encodings and a Bayesian linear regression.
#include "symnas/search/path_model.hpp"

#include <cmath>

#include "enumerate.hpp"
#include "nb201_params.hpp"
#include "symnas/hw/nb201.hpp"

namespace symnas::search {
namespace {

/// Operations that can lie on a path (every op but `none`).
constexpr int kPathOps = hw::kNb201Ops - 1;
/// Indicators of paths of length 1, 2 and 3.
constexpr int kPathFeatures = kPathOps + kPathOps * kPathOps + kPathOps * kPathOps * kPathOps;
/// The input-to-output paths of the cell as edge lists (edge e of the architecture string:
/// 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2).
const std::vector<std::vector<int>> kPaths = {{3}, {0, 4}, {1, 5}, {0, 2, 5}};

/// Path encoding of a cell (BANANAS): a path counts when none of its edges is `none`; it is
/// indexed by its op sequence, so isomorphic cells and dead edges give the same encoding.
void PathEncoding(const hw::Nb201Cell& cell, Eigen::Ref<Eigen::VectorXd> out) {
  out.setZero();
  for (const auto& path : kPaths) {
    int index = 0, offset = 0, width = 1;
    bool live = true;
    for (std::size_t k = 0; k < path.size(); ++k) {
      const int op = static_cast<int>(cell.ops[static_cast<std::size_t>(path[k])]);
      live = live && op != static_cast<int>(hw::Nb201Op::kNone);
      index = index * kPathOps + (op - 1);
      if (k > 0) offset += width;
      width *= kPathOps;
    }
    if (live) out[offset + index] += 1.0;
  }
}

double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double NormalPdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI); }

}  // namespace

PathFeatures::PathFeatures(const SearchSpace& space)
    : space_(space), nb201_cells_(Nb201CellOf(space.Defaults()).has_value()) {
  size_ = (nb201_cells_ ? kPathFeatures : space.EncodedSize()) + 1;
}

Eigen::VectorXd PathFeatures::operator()(const Params& projected) const {
  if (nb201_cells_) {
    if (auto cell = Nb201CellOf(projected)) {
      Eigen::VectorXd f = Eigen::VectorXd::Zero(kPathFeatures + 1);
      PathEncoding(*cell, f.head(kPathFeatures));
      f[kPathFeatures] = 1.0;
      return f;
    }
  }
  const int encoded = space_.EncodedSize();
  Eigen::VectorXd f = Eigen::VectorXd::Zero(encoded + 1);
  f.head(encoded) = space_.Encode(projected);
  f[encoded] = 1.0;
  return f;
}

PathModel::PathModel(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, PathModelOptions options)
    : options_(options), mean_(y.mean()), best_(y.maxCoeff()) {
  const double n2 = options_.noise * options_.noise;
  Eigen::MatrixXd a = x.transpose() * x / n2;
  a.diagonal().array() += 1.0 / (options_.prior_sd * options_.prior_sd);
  llt_.compute(a);
  w_ = llt_.solve(x.transpose() * (y.array() - mean_).matrix()) / n2;
}

PathModel PathModel::Fit(const PathFeatures& features,
                         const std::vector<std::pair<Params, double>>& scored,
                         PathModelOptions options) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(scored.size()), features.size());
  Eigen::VectorXd y(x.rows());
  for (std::size_t r = 0; r < scored.size(); ++r) {
    x.row(static_cast<Eigen::Index>(r)) = features(scored[r].first).transpose();
    y[static_cast<Eigen::Index>(r)] = scored[r].second;
  }
  return PathModel(x, y, options);
}

void PathModel::Predict(const Eigen::MatrixXd& candidates, Eigen::VectorXd& mean,
                        Eigen::VectorXd& sd) const {
  mean = (candidates.transpose() * w_).array() + mean_;
  const Eigen::MatrixXd half = llt_.matrixL().solve(candidates);  // x'A^-1 x = |L^-1 x|^2
  sd = (half.colwise().squaredNorm().transpose().array() + options_.noise * options_.noise).sqrt();
}

Eigen::VectorXd PathModel::ExpectedImprovement(const Eigen::MatrixXd& candidates) const {
  Eigen::VectorXd mean, sd;
  Predict(candidates, mean, sd);
  Eigen::VectorXd ei(mean.size());
  for (Eigen::Index c = 0; c < mean.size(); ++c) {
    ei[c] = search::ExpectedImprovement(mean[c], sd[c], best_);
  }
  return ei;
}

FeaturePool FeaturePool::Build(const SearchSpace& space, const nlohmann::json& options,
                               std::mt19937_64& rng, const PathFeatures& features,
                               const std::function<bool(const Params&)>& within_budget) {
  FeaturePool pool;
  pool.params = CandidatePool(space, options, rng, pool.enumerated);
  for (auto& p : pool.params) p = space.Project(p);
  pool.features.resize(static_cast<Eigen::Index>(pool.params.size()), features.size());
  for (std::size_t i = 0; i < pool.params.size(); ++i) {
    pool.index[ParamsKey(pool.params[i])] = i;
    pool.features.row(static_cast<Eigen::Index>(i)) = features(pool.params[i]).transpose();
    pool.within_budget.push_back(!within_budget || within_budget(pool.params[i]));
  }
  return pool;
}

Eigen::MatrixXd FeaturePool::Columns(const std::vector<std::size_t>& rows) const {
  Eigen::MatrixXd out(features.cols(), static_cast<Eigen::Index>(rows.size()));
  for (std::size_t c = 0; c < rows.size(); ++c) {
    out.col(static_cast<Eigen::Index>(c)) =
        features.row(static_cast<Eigen::Index>(rows[c])).transpose();
  }
  return out;
}

std::size_t BestExpectedImprovement(const PathModel& model, const FeaturePool& pool,
                                    const std::vector<std::size_t>& open) {
  const Eigen::VectorXd ei = model.ExpectedImprovement(pool.Columns(open));
  std::size_t pick = 0;
  for (std::size_t c = 1; c < open.size(); ++c) {
    if (ei[static_cast<Eigen::Index>(c)] > ei[static_cast<Eigen::Index>(pick)]) pick = c;
  }
  return open[pick];
}

double ExpectedImprovement(double mean, double sd, double best) {
  const double gap = mean - best, z = gap / sd;
  return gap * NormalCdf(z) + sd * NormalPdf(z);
}

}  // namespace symnas::search
