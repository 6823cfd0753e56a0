// `path_ei`: Bayesian linear regression of the score on path encodings (BANANAS' encoding,
// White et al. 2021) with expected improvement over the within-budget untried candidates.
#pragma once

#include <string>

#include "strategy_base.hpp"
#include "symnas/search/path_model.hpp"

namespace symnas::search {

/// Steps: (1) the first `initial_random` candidates are random, untried and within the study's
/// budget check; (2) before every later ask, a Bayesian linear regression (prior N(0, prior_sd^2)
/// per weight, observation noise `noise`, both in score units) is fitted to the complete
/// feasible trials' scores, centred on their mean; (3) every candidate of the pool (the whole
/// space when it has at most `enumerate_up_to` candidates, else `pool_samples` seeded random
/// ones) that is untried and within budget is scored by expected improvement over the best
/// feasible score, with the predictive variance x'A^-1 x + noise^2 (the noise term keeps cells
/// of an already evaluated network worth trying: on NAS-Bench-201 each cell is one training run);
/// (4) the ask is the candidate of largest expected improvement (first in pool order on ties).
/// Features: for NAS-Bench-201 cells the path encoding (one indicator per sequence of non-`none`
/// operations along an input-to-output path: 4 + 16 + 64), which is the same for every cell of
/// one dead-code-eliminated network; other spaces use SearchSpace::Encode. Plus an intercept.
/// The state is the history and the RNG (the pool is rebuilt from them): resume is exact.
class PathEiStrategy : public StrategyBase {
 public:
  explicit PathEiStrategy(const StrategyContext& context);
  std::string name() const override { return "path_ei"; }
  Params Ask() override;
  /// The enumerated pool belongs to the old space: it is rebuilt at the next ask.
  void OnSpaceChanged(const SearchSpace& space, const SpaceEdit& edit) override;

 private:
  bool WithinBudget(const Params& params) const;
  /// Untried, within-budget random candidate (rejection sampling; the last draw otherwise).
  Params RandomWithinBudget();

  PathFeatures features_;
  PathModelOptions model_options_;
  /// The candidates scored at an ask: an enumerated pool is built once per space, a sampled one
  /// at every ask.
  FeaturePool pool_;
  bool pool_valid_ = false;
};

}  // namespace symnas::search
