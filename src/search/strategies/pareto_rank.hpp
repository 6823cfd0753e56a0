// `pareto_rank`: a Pareto-rank surrogate driving a multi-objective search (HW-PR-NAS, thesis 003
// §3.2): one model ranks candidates by their predicted Pareto rank among the evaluated ones.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <unordered_map>
#include <vector>

#include "strategy_base.hpp"

namespace symnas::search {

/// Steps: (1) the first `initial_random` candidates are random (untried); (2) before every
/// later ask, the complete trials are sorted into Pareto fronts of their objective vectors
/// (NonDominatedSort; infeasible trials rank after every front, failed ones are left out) and a
/// linear pairwise ranker (FitPairwiseRanker) is fitted to those ranks on the candidates'
/// features; (3) the pool (the whole space when it has at most `enumerate_up_to` candidates,
/// else `pool_samples` seeded random ones) is scored; (4) the pool is cut into `bins` equal-count
/// bins along the first objective component known before training, and the asks visit the bins
/// in turn (diversity along e.g. the latency axis): each takes the untried, within-budget
/// candidate of best score in its bin (the next bin when one is exhausted).
/// `acquisition: hv_gain` (two objective components, one known before training) replaces steps
/// (2)-(4)'s use of the ranks: a ridge regression predicts the unknown component (accuracy) from
/// the same features, and the ask takes the candidate whose predicted point, with its known
/// latency, adds the most hypervolume to the current front (greedy, no uncertainty term);
/// when none adds any, the one predicted closest to the front.
/// Features: the space's one-hot / unit-cube encoding (SearchSpace::Encode); for NAS-Bench-201
/// cells also the one-hot of the dead-code-eliminated cell, its op counts and a connected flag;
/// for each objective component the context's estimate_costs gives (latency_ms on the
/// NAS-Bench-201 table), its quantile in the pool and the one-hot of its bin. Components no
/// estimate gives (accuracy) are what the ranker has to learn from the architecture.
class ParetoRankStrategy : public StrategyBase {
 public:
  explicit ParetoRankStrategy(const StrategyContext& context);
  std::string name() const override { return "pareto_rank"; }
  Params Ask() override;
  /// Keeps the objective vector (the base keeps only the score), then tells the base.
  void Tell(const TrialOutcome& outcome) override;
  void OnSpaceChanged(const SearchSpace& space, const SpaceEdit& edit) override;

 protected:
  nlohmann::json SaveExtra() const override;
  void LoadExtra(const nlohmann::json& state) override;

 private:
  /// An objective component read from estimate_costs: vector[index] = sign * costs[metric].
  struct KnownComponent {
    std::size_t index = 0;
    std::string metric;
    double sign = 1.0;
  };
  /// The candidates scored at an ask, with their features. An enumerated pool is built once per
  /// space (it is a function of the space alone); a sampled one at every ask.
  struct Pool {
    std::vector<Params> params;
    std::unordered_map<std::string, std::size_t> index;  ///< ParamsKey -> row
    Eigen::MatrixXd features;
    std::vector<int> bin;
    std::vector<double> first_known;  ///< value of the first known component
    std::vector<bool> within_budget;
    std::vector<std::vector<double>> known_sorted;  ///< per known component, sorted values
    bool enumerated = false;
  };
  void BuildPool();
  std::vector<Params> PoolCandidates();
  void FindKnownComponents(const std::vector<Params>& candidates);
  /// Feature row of a candidate whose known components are `known` (one per known_).
  Eigen::VectorXd Features(const Params& projected, const std::vector<double>& known) const;
  int BinOf(double value) const;
  Params ProposeFromModel();
  /// acquisition hv_gain: the open candidate whose predicted point adds the most hypervolume.
  Params HypervolumeGainPick(const Eigen::MatrixXd& x, const std::vector<std::size_t>& rows,
                             const std::vector<bool>& open);

  CostEstimate estimate_costs_;
  std::vector<std::string> objective_names_;
  std::vector<KnownComponent> known_;
  bool known_found_ = false;
  Pool pool_;
  bool pool_valid_ = false;
  bool nb201_cells_ = false;
  std::vector<std::vector<double>> vectors_;  ///< objective vector per history entry ({} failed)
  std::vector<double> pending_vector_;
  std::int64_t model_asks_ = 0;  ///< asks answered by the model (the bin of the next one)
};

}  // namespace symnas::search
