// `bo`: Gaussian-process Bayesian optimisation over the encoded search space. Keeps every past
// observation across space edits: old candidates are re-encoded in the current space (missing
// dimensions take their past value, out-of-range values stay outside the cube).
#pragma once

#include <optional>

#include "../strategy_base.hpp"
#include "gp.hpp"

namespace symnas::search {

/// Observations up to which the GP hyper-parameters are re-fitted at every ask.
inline constexpr int kAlwaysRefitBelow = 30;
/// The refit schedule: re-fit the hyper-parameters with `observations` when there are at most
/// kAlwaysRefitBelow of them or they grew by `growth` since the last fit (at `fitted_at`);
/// otherwise the last hyper-parameters are kept and only the posterior (one Cholesky) is
/// recomputed. growth 1 re-fits at every ask; growth g > 1 re-fits O(log n / log g) times.
bool RefitDue(int observations, int fitted_at, double growth);

/// GP-BO with Matérn 5/2 ARD, LML-fitted hyper-parameters and expected improvement.
/// Steps per Ask: (1) fewer than initial_random completed trials: random; (2) encode every
/// observation in the current space; failed trials get the worst completed score; (3) fit the
/// GP (warm start from the last fit + `restarts` random starts) when RefitDue, else reuse the
/// last hyper-parameters; (4) maximise EI over untried candidates; (5) fall back to random when
/// every candidate was tried. Under several workers the candidates still being evaluated enter
/// the GP as constant lies (the worst score) and are never proposed again.
/// Options for constrained searches: `feasible_only` skips candidates that the study's budget
/// check (costs known before training) rejects, in the random phase and in the acquisition
/// search; `trust_region` restricts the acquisition to a box around the best feasible
/// observation whose side adapts as in TuRBO (Eriksson et al., NeurIPS 2019): doubled after 2
/// new incumbents in a row, halved after 3 asks without one, reset when below 1/32 of the cube.
class BoStrategy : public StrategyBase {
 public:
  explicit BoStrategy(const StrategyContext& context);
  std::string name() const override { return "bo"; }
  Params Ask() override;

 protected:
  void Learn(const Observation& observation) override;
  nlohmann::json SaveExtra() const override;
  void LoadExtra(const nlohmann::json& extra) override;

 private:
  /// True when the candidate passes the budget check (or feasible_only is off).
  bool Admissible(const Params& params) const;
  /// A random untried candidate, admissible if one is found in `attempts` samples.
  Params SampleAdmissible(int attempts);
  /// True when `x` lies in the trust region around `centre` (numeric coordinates only).
  bool InTrustRegion(const Eigen::VectorXd& x, const Eigen::VectorXd& centre) const;

  double trust_length_ = 0.4;             ///< side of the trust-region box in the unit cube
  int successes_ = 0;                     ///< consecutive observations that improved the incumbent
  int failures_ = 0;                      ///< consecutive observations that did not
  std::optional<Observation> incumbent_;  ///< best feasible complete observation
  bo::KernelParams kernel_;
  bool have_kernel_ = false;
  int fitted_at_ = 0;  ///< observations at the last hyper-parameter fit
};

}  // namespace symnas::search
