// PathEiStrategy: random start, then a Bayesian linear regression on path encodings and the
// untried within-budget candidate of largest expected improvement (see path_ei.hpp).
#include "path_ei.hpp"

#include <cmath>

#include "enumerate.hpp"
#include "nb201_params.hpp"
#include "symnas/common/error.hpp"
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

PathEiStrategy::PathEiStrategy(const StrategyContext& context) : StrategyBase(context) {
  if (options().value("noise", 0.002) <= 0.0 || options().value("prior_sd", 0.01) <= 0.0) {
    throw ConfigError("strategy 'path_ei': noise and prior_sd must be positive");
  }
  nb201_cells_ = Nb201CellOf(space().Defaults()).has_value();
}

void PathEiStrategy::OnSpaceChanged(const SearchSpace& space, const SpaceEdit& edit) {
  StrategyBase::OnSpaceChanged(space, edit);
  nb201_cells_ = Nb201CellOf(space.Defaults()).has_value();
  pool_.valid = false;
}

bool PathEiStrategy::WithinBudget(const Params& params) const {
  return !budget_check() || budget_check()(params).within_budget;
}

Eigen::VectorXd PathEiStrategy::Features(const Params& projected) const {
  if (nb201_cells_) {
    if (auto cell = Nb201CellOf(projected)) {
      Eigen::VectorXd f = Eigen::VectorXd::Zero(kPathFeatures + 1);
      PathEncoding(*cell, f.head(kPathFeatures));
      f[kPathFeatures] = 1.0;
      return f;
    }
  }
  const int encoded = space().EncodedSize();
  Eigen::VectorXd f = Eigen::VectorXd::Zero(encoded + 1);
  f.head(encoded) = space().Encode(projected);
  f[encoded] = 1.0;
  return f;
}

void PathEiStrategy::BuildPool() {
  pool_ = Pool{};
  pool_.params = CandidatePool(space(), options(), rng(), pool_.enumerated);
  for (auto& p : pool_.params) p = space().Project(p);
  const Eigen::Index rows = static_cast<Eigen::Index>(pool_.params.size());
  pool_.features.resize(rows, Features(pool_.params.front()).size());
  for (std::size_t i = 0; i < pool_.params.size(); ++i) {
    pool_.index[ParamsKey(pool_.params[i])] = i;
    pool_.features.row(static_cast<Eigen::Index>(i)) = Features(pool_.params[i]).transpose();
    pool_.within_budget.push_back(WithinBudget(pool_.params[i]));
  }
  pool_.valid = true;
}

std::vector<std::size_t> PathEiStrategy::OpenRows() const {
  std::vector<bool> taken(pool_.params.size(), false);
  auto mark = [&](const Params& p) {
    auto it = pool_.index.find(ParamsKey(space().Project(p)));
    if (it != pool_.index.end()) taken[it->second] = true;
  };
  for (const auto& o : history()) mark(o.params);
  for (const auto& p : pending()) mark(p);
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < pool_.params.size(); ++i) {
    if (!taken[i] && pool_.within_budget[i]) open.push_back(i);
  }
  return open;
}

Params PathEiStrategy::RandomWithinBudget() {
  Params p = SampleUntried();
  for (int i = 1; i < 2000 && (Tried(p) || !WithinBudget(p)); ++i) p = SampleUntried();
  return p;
}

Params PathEiStrategy::Ask() {
  std::vector<const Observation*> fit;
  for (const auto& o : history()) {
    if (o.complete && o.feasible) fit.push_back(&o);
  }
  if (static_cast<int>(history().size()) < options().value("initial_random", 10) ||
      fit.size() < 2) {
    return RandomWithinBudget();
  }
  if (!pool_.valid || !pool_.enumerated) BuildPool();
  const std::vector<std::size_t> open = OpenRows();
  if (open.empty()) return RandomWithinBudget();

  // Posterior of the weights: A = X'X / noise^2 + I / prior_sd^2, w = A^-1 X'(y - mean) / noise^2.
  const double noise = options().value("noise", 0.002);
  const double prior_sd = options().value("prior_sd", 0.01);
  const Eigen::Index d = pool_.features.cols();
  Eigen::MatrixXd x(static_cast<Eigen::Index>(fit.size()), d);
  Eigen::VectorXd y(x.rows());
  for (std::size_t r = 0; r < fit.size(); ++r) {
    x.row(static_cast<Eigen::Index>(r)) = Features(space().Project(fit[r]->params)).transpose();
    y[static_cast<Eigen::Index>(r)] = fit[r]->score;
  }
  const double mean = y.mean(), best = y.maxCoeff();
  Eigen::MatrixXd a = x.transpose() * x / (noise * noise);
  a.diagonal().array() += 1.0 / (prior_sd * prior_sd);
  const Eigen::LLT<Eigen::MatrixXd> llt(a);
  const Eigen::VectorXd w =
      llt.solve(x.transpose() * (y.array() - mean).matrix()) / (noise * noise);

  Eigen::MatrixXd candidates(d, static_cast<Eigen::Index>(open.size()));
  for (std::size_t c = 0; c < open.size(); ++c) {
    candidates.col(static_cast<Eigen::Index>(c)) =
        pool_.features.row(static_cast<Eigen::Index>(open[c])).transpose();
  }
  const Eigen::VectorXd predicted = (candidates.transpose() * w).array() + mean;
  const Eigen::MatrixXd half = llt.matrixL().solve(candidates);  // x'A^-1 x = |L^-1 x|^2
  const Eigen::VectorXd variance = half.colwise().squaredNorm().transpose().array() + noise * noise;
  std::size_t pick = 0;
  double top = -1.0;
  for (std::size_t c = 0; c < open.size(); ++c) {
    const double sd = std::sqrt(variance[static_cast<Eigen::Index>(c)]);
    const double gap = predicted[static_cast<Eigen::Index>(c)] - best, z = gap / sd;
    const double ei = gap * NormalCdf(z) + sd * NormalPdf(z);
    if (ei > top) top = ei, pick = c;
  }
  return pool_.params[open[pick]];
}

}  // namespace symnas::search
