// Matérn 5/2 kernel with automatic relevance determination (one length-scale per coordinate):
// k(a, b) = s2 (1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r), r = ||(a - b) / l||  (Rasmussen and
// Williams 2006, eq. 4.17).
#pragma once

#include <Eigen/Core>

namespace symnas::search::bo {

/// Kernel hyper-parameters, stored as logarithms so that any real vector is valid.
struct KernelParams {
  Eigen::VectorXd log_lengthscales;  ///< one per input coordinate
  double log_signal_var = 0.0;       ///< log s2
  double log_noise_var = -6.0;       ///< log of the Gaussian observation noise variance
};

/// k(a, b) for the given hyper-parameters.
double Matern52(const Eigen::VectorXd& a, const Eigen::VectorXd& b, const KernelParams& p);

/// Gram matrix K[i, j] = k(x_i, x_j) of the rows of X (no noise added).
Eigen::MatrixXd Gram(const Eigen::MatrixXd& X, const KernelParams& p);

}  // namespace symnas::search::bo
