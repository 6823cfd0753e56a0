// ParetoRankStrategy: random start, Pareto ranks of the evaluated candidates, a pairwise ranker
// on architecture features and known costs, the best-scored untried candidate per cost bin
// (see pareto_rank.hpp for the steps).
#include "pareto_rank.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "enumerate.hpp"
#include "nb201_params.hpp"
#include "pairwise_ranker.hpp"
#include "symnas/common/error.hpp"
#include "symnas/hw/nb201.hpp"
#include "symnas/search/pareto.hpp"

namespace symnas::search {
namespace {

/// Extra features of a NAS-Bench-201 cell: one-hot of the pruned cell, its op counts, connected.
constexpr int kNb201Extra = hw::kNb201Edges * hw::kNb201Ops + hw::kNb201Ops + 1;

void Nb201Extra(const hw::Nb201Cell& cell, Eigen::Ref<Eigen::VectorXd> out) {
  out.setZero();
  const hw::Nb201Pruned pruned = hw::PruneNb201Cell(cell, hw::Nb201Prune::kInputAndOutput);
  for (int e = 0; e < hw::kNb201Edges; ++e) {
    const int op = static_cast<int>(pruned.cell.ops[static_cast<size_t>(e)]);
    out[e * hw::kNb201Ops + op] = 1.0;
    out[hw::kNb201Edges * hw::kNb201Ops + op] += 1.0;
  }
  out[kNb201Extra - 1] = pruned.connected ? 1.0 : 0.0;
}

/// Hypervolume (2-D, minimisation) a point (known, value) adds to `front` (points sorted by
/// known ascending, value strictly descending) inside the box up to reference (rk, rv).
double HypervolumeGain(double known, double value,
                       const std::vector<std::pair<double, double>>& front, double rk, double rv) {
  double gain = 0.0, best = rv, from = -std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j <= front.size(); ++j) {
    const double to = j < front.size() ? front[j].first : rk;
    const double lo = std::max(from, known);
    if (to > lo) gain += (to - lo) * std::max(0.0, best - value);
    if (j < front.size()) best = std::min(best, front[j].second), from = to;
  }
  return gain;
}

}  // namespace

ParetoRankStrategy::ParetoRankStrategy(const StrategyContext& context)
    : StrategyBase(context),
      estimate_costs_(context.estimate_costs),
      objective_names_(context.objective_names) {
  if (options().value("bins", 10) < 1) {
    throw ConfigError("strategy 'pareto_rank': bins must be at least 1");
  }
  const std::string acquisition = options().value("acquisition", std::string("bins"));
  if (acquisition != "bins" && acquisition != "hv_gain") {
    throw ConfigError("strategy 'pareto_rank': acquisition must be 'bins' or 'hv_gain', not '" +
                      acquisition + "'");
  }
  nb201_cells_ = Nb201CellOf(space().Defaults()).has_value();
}

void ParetoRankStrategy::Tell(const TrialOutcome& outcome) {
  vectors_.push_back(outcome.status == TrialStatus::kComplete ? outcome.objective.vector
                                                              : std::vector<double>{});
  StrategyBase::Tell(outcome);
}

void ParetoRankStrategy::OnSpaceChanged(const SearchSpace& space, const SpaceEdit& edit) {
  StrategyBase::OnSpaceChanged(space, edit);
  nb201_cells_ = Nb201CellOf(space.Defaults()).has_value();
  pool_valid_ = false;
}

void ParetoRankStrategy::FindKnownComponents(const std::vector<Params>& candidates) {
  known_found_ = true;
  known_.clear();
  if (!estimate_costs_) return;
  for (const auto& p : candidates) {
    std::map<std::string, double> costs;
    try {
      costs = estimate_costs_(p);
    } catch (const Error&) {
      continue;
    }
    for (std::size_t k = 0; k < objective_names_.size(); ++k) {
      const std::string& n = objective_names_[k];
      const bool negated = !n.empty() && n[0] == '-';
      const std::string metric = negated ? n.substr(1) : n;
      if (costs.count(metric)) known_.push_back({k, metric, negated ? -1.0 : 1.0});
    }
    return;
  }
}

std::vector<Params> ParetoRankStrategy::PoolCandidates() {
  return CandidatePool(space(), options(), rng(), pool_.enumerated);
}

int ParetoRankStrategy::BinOf(double value) const {
  if (known_.empty() || pool_.known_sorted.front().empty()) return 0;
  const auto& sorted = pool_.known_sorted.front();
  const int bins = options().value("bins", 10);
  const double position =
      static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), value) - sorted.begin());
  return std::min(bins - 1, static_cast<int>(bins * position / static_cast<double>(sorted.size())));
}

Eigen::VectorXd ParetoRankStrategy::Features(const Params& projected,
                                             const std::vector<double>& known) const {
  const int encoded = space().EncodedSize();
  const int bins = known_.empty() ? 0 : options().value("bins", 10);
  const int extra = nb201_cells_ ? kNb201Extra : 0;
  Eigen::VectorXd f =
      Eigen::VectorXd::Zero(encoded + extra + static_cast<int>(known_.size()) + bins + 1);
  f.head(encoded) = space().Encode(projected);
  if (nb201_cells_) {
    if (auto cell = Nb201CellOf(projected)) Nb201Extra(*cell, f.segment(encoded, extra));
  }
  int k = encoded + extra;
  for (std::size_t c = 0; c < known_.size(); ++c) {
    const auto& sorted = pool_.known_sorted[c];
    const double below = static_cast<double>(
        std::lower_bound(sorted.begin(), sorted.end(), known[c]) - sorted.begin());
    f[k++] = sorted.empty() ? 0.0 : below / static_cast<double>(sorted.size());
  }
  if (bins > 0) f[k + BinOf(known.front())] = 1.0;
  f[f.size() - 1] = 1.0;  // intercept (cancels in pairs; keeps the layout uniform)
  return f;
}

void ParetoRankStrategy::BuildPool() {
  if (pool_valid_ && pool_.enumerated) return;
  std::vector<Params> candidates = PoolCandidates();
  for (auto& p : candidates) p = space().Project(p);
  if (!known_found_) FindKnownComponents(candidates);
  pool_.params = std::move(candidates);
  const std::size_t n = pool_.params.size();
  pool_.within_budget.assign(n, true);
  std::vector<std::vector<double>> known(n, std::vector<double>(known_.size(), 0.0));
  pool_.known_sorted.assign(known_.size(), {});
  for (std::size_t i = 0; i < n; ++i) {
    const Params& p = pool_.params[i];
    if (budget_check() && !budget_check()(p).within_budget) pool_.within_budget[i] = false;
    if (known_.empty()) continue;
    try {
      const auto costs = estimate_costs_(p);
      for (std::size_t c = 0; c < known_.size(); ++c) {
        auto it = costs.find(known_[c].metric);
        if (it == costs.end()) throw ArchError("no " + known_[c].metric);
        known[i][c] = known_[c].sign * it->second;
        pool_.known_sorted[c].push_back(known[i][c]);
      }
    } catch (const Error&) {
      pool_.within_budget[i] = false;
    }
  }
  for (auto& sorted : pool_.known_sorted) std::sort(sorted.begin(), sorted.end());
  pool_.index.clear();
  pool_.bin.assign(n, 0);
  pool_.first_known.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const Eigen::VectorXd f = Features(pool_.params[i], known[i]);
    if (i == 0) pool_.features.resize(static_cast<Eigen::Index>(n), f.size());
    pool_.features.row(static_cast<Eigen::Index>(i)) = f;
    if (!known_.empty()) {
      pool_.bin[i] = BinOf(known[i].front());
      pool_.first_known[i] = known[i].front();
    }
    pool_.index.emplace(ParamsKey(pool_.params[i]), i);
  }
  pool_valid_ = true;
}

Params ParetoRankStrategy::Ask() {
  const auto complete = static_cast<int>(
      std::count_if(vectors_.begin(), vectors_.end(), [](const auto& v) { return !v.empty(); }));
  if (complete < std::max(2, options().value("initial_random", 20))) return SampleUntried();
  return ProposeFromModel();
}

Params ParetoRankStrategy::ProposeFromModel() {
  BuildPool();
  // Training rows: complete trials; Pareto rank among the feasible ones, infeasible after all.
  std::vector<std::size_t> rows, feasible_rows;
  std::vector<ObjectivePoint> points;
  for (std::size_t i = 0; i < history().size(); ++i) {
    if (vectors_[i].empty()) continue;
    rows.push_back(i);
    if (history()[i].feasible) {
      feasible_rows.push_back(rows.size() - 1);
      points.push_back(vectors_[i]);
    }
  }
  const auto fronts = NonDominatedSort(points);
  std::vector<int> rank(rows.size(), static_cast<int>(fronts.size()));
  for (std::size_t f = 0; f < fronts.size(); ++f) {
    for (std::size_t k : fronts[f]) rank[feasible_rows[k]] = static_cast<int>(f);
  }
  const Eigen::Index d = pool_.features.cols();
  Eigen::MatrixXd x(static_cast<Eigen::Index>(rows.size()), d);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::vector<double> known;
    for (const auto& c : known_) {
      const auto& v = vectors_[rows[r]];
      known.push_back(c.index < v.size() ? v[c.index] : 0.0);
    }
    x.row(static_cast<Eigen::Index>(r)) =
        Features(space().Project(history()[rows[r]].params), known);
  }
  // Tried or pending candidates are out. (hv_gain does not fit the ranker.)
  std::vector<bool> open = pool_.within_budget;
  auto close = [&](const Params& p) {
    auto it = pool_.index.find(ParamsKey(space().Project(p)));
    if (it != pool_.index.end()) open[it->second] = false;
  };
  for (const auto& o : history()) close(o.params);
  for (const auto& p : pending()) close(p);
  if (options().value("acquisition", std::string("bins")) == "hv_gain" && known_.size() == 1 &&
      objective_names_.size() == 2) {
    return HypervolumeGainPick(x, rows, open);
  }
  RankerOptions ranker;
  ranker.l2 = options().value("l2", 1e-3);
  ranker.iterations = options().value("iterations", 200);
  ranker.max_pairs = options().value("max_pairs", 3000);
  const Eigen::VectorXd w = FitPairwiseRanker(x, rank, ranker, rng());
  const Eigen::VectorXd score = pool_.features * w;
  const int bins = known_.empty() ? 1 : options().value("bins", 10);
  for (int t = 0; t < bins; ++t) {
    const int b = static_cast<int>((model_asks_ + t) % bins);
    std::size_t best = pool_.params.size();
    for (std::size_t i = 0; i < pool_.params.size(); ++i) {
      if (open[i] && pool_.bin[i] == b && (best == pool_.params.size() || score[i] > score[best]))
        best = i;
    }
    if (best < pool_.params.size()) {
      model_asks_ += t + 1;
      return pool_.params[best];
    }
  }
  return SampleUntried();
}

Params ParetoRankStrategy::HypervolumeGainPick(const Eigen::MatrixXd& x,
                                               const std::vector<std::size_t>& rows,
                                               const std::vector<bool>& open) {
  // Ridge regression of the unknown component on the features (centred target).
  const std::size_t known = known_.front().index, unknown = 1 - known;
  Eigen::VectorXd y(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t r = 0; r < rows.size(); ++r)
    y[static_cast<Eigen::Index>(r)] = vectors_[rows[r]][unknown];
  const double mean = y.mean();
  const Eigen::MatrixXd gram =
      x.transpose() * x +
      options().value("ridge", 1.0) * Eigen::MatrixXd::Identity(x.cols(), x.cols());
  const Eigen::VectorXd w = gram.ldlt().solve(x.transpose() * (y.array() - mean).matrix());
  const Eigen::VectorXd predicted = (pool_.features * w).array() + mean;
  // The current front of the feasible trials, and the box: the pool's largest known value, the
  // worst unknown value seen.
  std::vector<std::pair<double, double>> points;
  double rv = -std::numeric_limits<double>::infinity();
  for (std::size_t r : rows) {
    rv = std::max(rv, vectors_[r][unknown]);
    if (history()[r].feasible) points.emplace_back(vectors_[r][known], vectors_[r][unknown]);
  }
  std::sort(points.begin(), points.end());
  std::vector<std::pair<double, double>> front;
  for (const auto& p : points) {
    if (front.empty() || p.second < front.back().second) front.push_back(p);
  }
  const double rk = pool_.known_sorted.front().back();
  // The largest gain; when no candidate adds any, the one predicted closest to the front.
  std::size_t best = pool_.params.size();
  double best_gain = 0.0, best_gap = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < pool_.params.size(); ++i) {
    if (!open[i]) continue;
    const double k = pool_.first_known[i];
    const double gain = HypervolumeGain(k, predicted[static_cast<Eigen::Index>(i)], front, rk, rv);
    double floor = rv;
    for (const auto& p : front) {
      if (p.first <= k) floor = p.second;
    }
    const double gap = floor - predicted[static_cast<Eigen::Index>(i)];
    if (gain > best_gain || (best_gain == 0.0 && gain == 0.0 && gap > best_gap)) {
      best = i;
      best_gain = gain;
      best_gap = gap;
    }
  }
  if (best < pool_.params.size()) {
    ++model_asks_;
    return pool_.params[best];
  }
  return SampleUntried();
}

nlohmann::json ParetoRankStrategy::SaveExtra() const {
  return {{"vectors", vectors_}, {"model_asks", model_asks_}};
}

void ParetoRankStrategy::LoadExtra(const nlohmann::json& state) {
  vectors_ = state.at("vectors").get<std::vector<std::vector<double>>>();
  model_asks_ = state.at("model_asks").get<std::int64_t>();
  if (vectors_.size() != history().size()) {
    throw StoreError("pareto_rank snapshot: one objective vector per observation expected");
  }
  pool_valid_ = false;
  nb201_cells_ = Nb201CellOf(space().Defaults()).has_value();
}

}  // namespace symnas::search
