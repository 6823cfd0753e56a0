// Matérn 5/2 ARD kernel and its Gram matrix.
#include "kernel.hpp"

#include <cmath>

namespace symnas::search::bo {

double Matern52(const Eigen::VectorXd& a, const Eigen::VectorXd& b, const KernelParams& p) {
  const double r = ((a - b).array() / p.log_lengthscales.array().exp()).matrix().norm();
  const double s5r = std::sqrt(5.0) * r;
  return std::exp(p.log_signal_var) * (1.0 + s5r + 5.0 * r * r / 3.0) * std::exp(-s5r);
}

Eigen::MatrixXd Gram(const Eigen::MatrixXd& X, const KernelParams& p) {
  const Eigen::Index n = X.rows();
  Eigen::MatrixXd K(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    K(i, i) = std::exp(p.log_signal_var);
    for (Eigen::Index j = i + 1; j < n; ++j) {
      K(i, j) = K(j, i) = Matern52(X.row(i).transpose(), X.row(j).transpose(), p);
    }
  }
  return K;
}

}  // namespace symnas::search::bo
