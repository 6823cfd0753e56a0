// GP posterior, log marginal likelihood, Nelder-Mead and the multi-start hyper-parameter fit.
#include "gp.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

namespace symnas::search::bo {

namespace {
constexpr double kMinLogLength = -4.6, kMaxLogLength = 4.6;   // 0.01 .. 100
constexpr double kMinLogSignal = -3.0, kMaxLogSignal = 3.0;   // 0.05 .. 20
constexpr double kMinLogNoise = -13.8, kMaxLogNoise = 0.0;    // 1e-6 .. 1
constexpr double kJitter = 1e-9;

Eigen::VectorXd Pack(const KernelParams& p) {
  Eigen::VectorXd v(p.log_lengthscales.size() + 2);
  v << p.log_lengthscales, p.log_signal_var, p.log_noise_var;
  return v;
}

KernelParams Unpack(const Eigen::VectorXd& v) {
  const Eigen::Index d = v.size() - 2;
  KernelParams p;
  p.log_lengthscales = v.head(d).cwiseMax(kMinLogLength).cwiseMin(kMaxLogLength);
  p.log_signal_var = std::clamp(v[d], kMinLogSignal, kMaxLogSignal);
  p.log_noise_var = std::clamp(v[d + 1], kMinLogNoise, kMaxLogNoise);
  return p;
}
}  // namespace

void GaussianProcess::SetData(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, bool standardise) {
  X_ = X;
  y_mean_ = 0.0;
  y_scale_ = 1.0;
  if (standardise && y.size() > 0) {
    y_mean_ = y.mean();
    double var = (y.array() - y_mean_).square().sum() / static_cast<double>(y.size());
    y_scale_ = var > 1e-24 ? std::sqrt(var) : 1.0;
  }
  y_ = (y.array() - y_mean_) / y_scale_;
  if (params_.log_lengthscales.size() != X.cols()) {
    params_.log_lengthscales = Eigen::VectorXd::Constant(X.cols(), std::log(0.5));
  }
  SetParams(params_);
}

void GaussianProcess::SetParams(const KernelParams& params) {
  params_ = params;
  Eigen::MatrixXd K = Gram(X_, params_);
  K.diagonal().array() += std::exp(params_.log_noise_var) + kJitter;
  llt_.compute(K);
  alpha_ = llt_.solve(y_);
  lml_ = LmlFor(params_);
}

double GaussianProcess::LmlFor(const KernelParams& p) const {
  Eigen::MatrixXd K = Gram(X_, p);
  K.diagonal().array() += std::exp(p.log_noise_var) + kJitter;
  Eigen::LLT<Eigen::MatrixXd> llt(K);
  if (llt.info() != Eigen::Success) return -std::numeric_limits<double>::infinity();
  Eigen::VectorXd alpha = llt.solve(y_);
  double log_det = 2.0 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
  const double n = static_cast<double>(y_.size());
  return -0.5 * y_.dot(alpha) - 0.5 * log_det - 0.5 * n * std::log(2.0 * std::numbers::pi);
}

void GaussianProcess::Fit(std::mt19937_64& rng, int restarts) {
  if (X_.rows() < 2) return;
  auto negative_lml = [&](const Eigen::VectorXd& v) {
    double lml = LmlFor(Unpack(v));
    return std::isfinite(lml) ? -lml : 1e300;
  };
  const int max_evals = 60 * static_cast<int>(X_.cols() + 2);
  Eigen::VectorXd best = Pack(Unpack(Pack(params_)));
  double best_value = negative_lml(best);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int r = 0; r <= restarts; ++r) {
    Eigen::VectorXd start = best;
    if (r > 0) {  // random start inside the box (length-scales 0.05..5 where most fits lie)
      for (Eigen::Index i = 0; i < start.size() - 2; ++i) start[i] = -3.0 + 4.6 * u(rng);
      start[start.size() - 2] = -1.0 + 2.0 * u(rng);
      start[start.size() - 1] = -12.0 + 10.0 * u(rng);
    }
    Eigen::VectorXd x = Pack(Unpack(NelderMead(negative_lml, start, 0.7, max_evals)));
    double value = negative_lml(x);
    if (value < best_value) {
      best_value = value;
      best = x;
    }
  }
  SetParams(Unpack(best));
}

void GaussianProcess::PredictStandardised(const Eigen::VectorXd& x, double* mean, double* variance) const {
  const Eigen::Index n = X_.rows();
  if (n == 0) {
    *mean = 0.0;
    *variance = std::exp(params_.log_signal_var);
    return;
  }
  Eigen::VectorXd k(n);
  for (Eigen::Index i = 0; i < n; ++i) k[i] = Matern52(X_.row(i).transpose(), x, params_);
  *mean = k.dot(alpha_);
  Eigen::VectorXd v = llt_.matrixL().solve(k);
  *variance = std::max(0.0, std::exp(params_.log_signal_var) - v.squaredNorm());
}

void GaussianProcess::Predict(const Eigen::VectorXd& x, double* mean, double* variance) const {
  PredictStandardised(x, mean, variance);
  *mean = *mean * y_scale_ + y_mean_;
  *variance *= y_scale_ * y_scale_;
}

Eigen::VectorXd NelderMead(const std::function<double(const Eigen::VectorXd&)>& f,
                           const Eigen::VectorXd& x0, double step, int max_evals) {
  // Standard coefficients: reflection 1, expansion 2, contraction 0.5, shrink 0.5.
  const Eigen::Index d = x0.size();
  std::vector<Eigen::VectorXd> simplex(d + 1, x0);
  std::vector<double> values(d + 1);
  for (Eigen::Index i = 0; i < d; ++i) simplex[i + 1][i] += step;
  int evals = 0;
  for (Eigen::Index i = 0; i <= d; ++i, ++evals) values[i] = f(simplex[i]);
  std::vector<Eigen::Index> order(d + 1);
  while (evals < max_evals) {
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return values[a] < values[b]; });
    const Eigen::Index best = order.front(), worst = order.back(), second = order[d - 1];
    if (std::abs(values[worst] - values[best]) < 1e-8) break;
    Eigen::VectorXd centroid = Eigen::VectorXd::Zero(d);
    for (Eigen::Index i = 0; i <= d; ++i) {
      if (i != worst) centroid += simplex[i];
    }
    centroid /= static_cast<double>(d);
    Eigen::VectorXd reflected = centroid + (centroid - simplex[worst]);
    double fr = f(reflected);
    ++evals;
    if (fr < values[best]) {
      Eigen::VectorXd expanded = centroid + 2.0 * (centroid - simplex[worst]);
      double fe = f(expanded);
      ++evals;
      if (fe < fr) {
        simplex[worst] = expanded, values[worst] = fe;
      } else {
        simplex[worst] = reflected, values[worst] = fr;
      }
    } else if (fr < values[second]) {
      simplex[worst] = reflected, values[worst] = fr;
    } else {
      Eigen::VectorXd contracted = centroid + 0.5 * (simplex[worst] - centroid);
      double fc = f(contracted);
      ++evals;
      if (fc < values[worst]) {
        simplex[worst] = contracted, values[worst] = fc;
      } else {
        for (Eigen::Index i = 0; i <= d; ++i) {
          if (i == best) continue;
          simplex[i] = simplex[best] + 0.5 * (simplex[i] - simplex[best]);
          values[i] = f(simplex[i]);
          ++evals;
        }
      }
    }
  }
  Eigen::Index best = std::min_element(values.begin(), values.end()) - values.begin();
  return simplex[best];
}

}  // namespace symnas::search::bo
