// Gaussian-process regression (zero mean on standardised targets) with the Matérn 5/2 kernel:
// exact posterior via Cholesky, log marginal likelihood, and hyper-parameter fitting by
// multi-start Nelder-Mead maximisation of the log marginal likelihood.
#pragma once

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <functional>
#include <random>

#include "kernel.hpp"

namespace symnas::search::bo {

/// A GP posterior. Steps (Rasmussen and Williams 2006, Algorithm 2.1): L = chol(K + sn2 I),
/// alpha = L^T \ (L \ y), mean = k*^T alpha, var = k** - |L \ k*|^2,
/// log p(y|X) = -y^T alpha / 2 - sum log L_ii - n log(2 pi) / 2.
class GaussianProcess {
 public:
  /// Sets the data. standardise: targets are shifted/scaled to mean 0, std 1 internally
  /// (predictions are returned in the original units either way).
  void SetData(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, bool standardise = true);
  /// Sets the hyper-parameters and recomputes the posterior.
  void SetParams(const KernelParams& params);
  const KernelParams& params() const { return params_; }
  /// Log marginal likelihood of the (standardised) targets under the current parameters.
  double LogMarginalLikelihood() const { return lml_; }
  /// Fits the parameters by maximising the LML: Nelder-Mead from the current parameters and
  /// from `restarts` random starts, inside box bounds (length-scales 0.01..100, signal 0.05..20,
  /// noise 1e-6..1 in standardised units).
  void Fit(std::mt19937_64& rng, int restarts);
  /// Posterior mean and variance at x, in the original units of y.
  void Predict(const Eigen::VectorXd& x, double* mean, double* variance) const;
  /// Same in standardised units (what the acquisition uses).
  void PredictStandardised(const Eigen::VectorXd& x, double* mean, double* variance) const;
  /// Best (largest) standardised target observed.
  double BestStandardised() const { return y_.maxCoeff(); }
  Eigen::Index size() const { return X_.rows(); }

 private:
  double LmlFor(const KernelParams& p) const;

  Eigen::MatrixXd X_;
  Eigen::VectorXd y_;  ///< standardised targets
  double y_mean_ = 0.0, y_scale_ = 1.0;
  KernelParams params_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
  Eigen::VectorXd alpha_;
  double lml_ = 0.0;
};

/// Minimises f from x0 with the Nelder-Mead simplex (initial step `step`), at most max_evals
/// evaluations; returns the best point found.
Eigen::VectorXd NelderMead(const std::function<double(const Eigen::VectorXd&)>& f,
                           const Eigen::VectorXd& x0, double step, int max_evals);

}  // namespace symnas::search::bo
