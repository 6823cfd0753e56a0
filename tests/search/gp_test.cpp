// Tests of the GP against hand-computed posteriors: a 2-point posterior in closed form, the log
// marginal likelihood of a 2x2 system, and the fit improving the likelihood.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "../../src/search/strategies/bo/acquisition.hpp"
#include "../../src/search/strategies/bo/gp.hpp"

namespace symnas::search::bo {
namespace {

double MaternOfDistance(double r) {  // unit length-scale and variance, written out by hand
  return (1 + std::sqrt(5.0) * r + 5.0 * r * r / 3.0) * std::exp(-std::sqrt(5.0) * r);
}

KernelParams UnitKernel(double noise_var) {
  KernelParams p;
  p.log_lengthscales = Eigen::VectorXd::Zero(1);
  p.log_signal_var = 0;
  p.log_noise_var = std::log(noise_var);
  return p;
}

TEST(GpTest, MaternKernelValues) {
  KernelParams p = UnitKernel(1e-6);
  Eigen::VectorXd a(1), b(1);
  a << 0;
  b << 1;
  EXPECT_NEAR(Matern52(a, b, p), MaternOfDistance(1.0), 1e-15);
  EXPECT_NEAR(Matern52(a, a, p), 1.0, 1e-15);
  p.log_lengthscales << std::log(2.0);
  p.log_signal_var = std::log(3.0);
  EXPECT_NEAR(Matern52(a, b, p), 3.0 * MaternOfDistance(0.5), 1e-14);
}

TEST(GpTest, TwoPointPosteriorMatchesClosedForm) {
  // X = {0, 1}, y = {1, 2}: K = [[1, k1], [k1, 1]]; at x* = 0.5, k* = [a, a] is along the
  // eigenvector [1, 1] (eigenvalue 1 + k1), so mean = a (1 + 2) / (1 + k1),
  // var = 1 - 2 a^2 / (1 + k1).
  Eigen::MatrixXd X(2, 1);
  X << 0, 1;
  Eigen::VectorXd y(2);
  y << 1, 2;
  GaussianProcess gp;
  gp.SetData(X, y, /*standardise=*/false);
  gp.SetParams(UnitKernel(1e-10));
  const double k1 = MaternOfDistance(1.0), a = MaternOfDistance(0.5);
  Eigen::VectorXd xs(1);
  xs << 0.5;
  double mean = 0, var = 0;
  gp.Predict(xs, &mean, &var);
  EXPECT_NEAR(mean, 3 * a / (1 + k1), 1e-8);
  EXPECT_NEAR(var, 1 - 2 * a * a / (1 + k1), 1e-8);
  // At a training point the posterior interpolates.
  xs << 1.0;
  gp.Predict(xs, &mean, &var);
  EXPECT_NEAR(mean, 2.0, 1e-6);
  EXPECT_NEAR(var, 0.0, 1e-6);
  // LML by hand: -y^T K^-1 y / 2 - log det K / 2 - log(2 pi).
  const double det = 1 - k1 * k1;
  const double quad = (y[0] * y[0] + y[1] * y[1] - 2 * k1 * y[0] * y[1]) / det;
  EXPECT_NEAR(gp.LogMarginalLikelihood(), -0.5 * quad - 0.5 * std::log(det) - std::log(2 * std::numbers::pi), 1e-6);
}

TEST(GpTest, StandardisedPredictionsAreInOriginalUnits) {
  Eigen::MatrixXd X(3, 1);
  X << 0, 0.5, 1;
  Eigen::VectorXd y(3);
  y << 100, 120, 110;
  GaussianProcess gp;
  gp.SetData(X, y);
  gp.SetParams(UnitKernel(1e-10));
  double mean = 0, var = 0;
  Eigen::VectorXd xs(1);
  xs << 0.5;
  gp.Predict(xs, &mean, &var);
  EXPECT_NEAR(mean, 120, 1e-4);
  xs << 50;  // far away: the prior mean (the data mean) and the prior variance in y units
  gp.Predict(xs, &mean, &var);
  EXPECT_NEAR(mean, 110, 1e-6);
  EXPECT_NEAR(var, 200.0 / 3.0, 1e-6);  // population variance of {100, 120, 110}
}

TEST(GpTest, FitImprovesTheLikelihood) {
  std::mt19937_64 rng(5);
  Eigen::MatrixXd X(12, 2);
  Eigen::VectorXd y(12);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < 12; ++i) {
    X(i, 0) = u(rng);
    X(i, 1) = u(rng);
    y[i] = std::sin(6 * X(i, 0));  // second coordinate irrelevant
  }
  GaussianProcess gp;
  gp.SetData(X, y);
  const double before = gp.LogMarginalLikelihood();
  gp.Fit(rng, 3);
  EXPECT_GT(gp.LogMarginalLikelihood(), before + 1.0);
  // ARD: the irrelevant coordinate gets the longer length-scale.
  EXPECT_GT(gp.params().log_lengthscales[1], gp.params().log_lengthscales[0]);
}

TEST(GpTest, ExpectedImprovementByHand) {
  // mean = best: EI = s * phi(0) = s / sqrt(2 pi).
  EXPECT_NEAR(ExpectedImprovement(1.0, 4.0, 1.0, 0.0), 2.0 / std::sqrt(2 * std::numbers::pi), 1e-12);
  EXPECT_DOUBLE_EQ(ExpectedImprovement(2.0, 0.0, 1.0, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(ExpectedImprovement(0.0, 0.0, 1.0, 0.0), 0.0);
  EXPECT_GT(ExpectedImprovement(0.0, 1.0, 1.0, 0.0), 0.0);
}

TEST(GpTest, NelderMeadFindsAQuadraticMinimum) {
  auto f = [](const Eigen::VectorXd& x) { return std::pow(x[0] - 1, 2) + 10 * std::pow(x[1] + 2, 2); };
  Eigen::VectorXd x = NelderMead(f, Eigen::VectorXd::Zero(2), 0.5, 2000);
  EXPECT_NEAR(x[0], 1, 1e-3);
  EXPECT_NEAR(x[1], -2, 1e-3);
}

}  // namespace
}  // namespace symnas::search::bo
