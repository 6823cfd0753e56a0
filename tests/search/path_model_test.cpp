// The path model against independent references: the posterior of its weight-space Bayesian
// linear regression equals the function-space (kernel) form, expected improvement equals a
// numerical integral, and path features ignore dead edges but not live ones.
#include "symnas/search/path_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace symnas::search {
namespace {

TEST(PathModelTest, PosteriorEqualsTheKernelForm) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  const int n = 12, d = 6;
  Eigen::MatrixXd x(n, d);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) x(i, j) = normal(rng) > 0 ? 1.0 : 0.0;
    y[i] = 0.9 + 0.01 * normal(rng);
  }
  const PathModelOptions options{0.003, 0.02};
  const PathModel model(x, y, options);
  Eigen::MatrixXd candidates(d, 5);
  for (int c = 0; c < 5; ++c) {
    for (int j = 0; j < d; ++j) candidates(j, c) = normal(rng) > 0 ? 1.0 : 0.0;
  }
  Eigen::VectorXd mean, sd;
  model.Predict(candidates, mean, sd);
  // Function space: f ~ GP(0, tau^2 x'x'), K = tau^2 X X' + sigma^2 I.
  const double t2 = options.prior_sd * options.prior_sd, s2 = options.noise * options.noise;
  const Eigen::MatrixXd k = t2 * x * x.transpose() + s2 * Eigen::MatrixXd::Identity(n, n);
  const Eigen::MatrixXd k_inv = k.inverse();
  const Eigen::VectorXd centred = (y.array() - y.mean()).matrix();
  for (int c = 0; c < 5; ++c) {
    const Eigen::VectorXd kx = t2 * x * candidates.col(c);
    const double m = y.mean() + kx.dot(k_inv * centred);
    const double v = t2 * candidates.col(c).squaredNorm() - kx.dot(k_inv * kx) + s2;
    EXPECT_NEAR(mean[c], m, 1e-9) << c;
    EXPECT_NEAR(sd[c], std::sqrt(v), 1e-9) << c;
  }
  EXPECT_DOUBLE_EQ(model.best(), y.maxCoeff());
}

TEST(PathModelTest, ExpectedImprovementEqualsTheIntegral) {
  for (const auto& [m, s, best] : std::vector<std::tuple<double, double, double>>{
           {0.90, 0.01, 0.91}, {0.93, 0.002, 0.92}, {0.5, 0.1, 0.5}}) {
    double integral = 0.0;
    const int steps = 200000;
    const double lo = m - 12 * s, h = 24 * s / steps;
    for (int i = 0; i <= steps; ++i) {
      const double v = lo + i * h, z = (v - m) / s;
      const double f = std::max(0.0, v - best) * std::exp(-0.5 * z * z) / (s * std::sqrt(2 * M_PI));
      integral += (i == 0 || i == steps ? 0.5 : 1.0) * f * h;
    }
    EXPECT_NEAR(ExpectedImprovement(m, s, best), integral, 1e-9 + 1e-6 * integral);
  }
}

SearchSpace CellSpace() {
  const std::vector<std::string> ops = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
                                        "avg_pool_3x3"};
  std::vector<Dimension> dims;
  for (int e = 0; e < 6; ++e) {
    dims.push_back(Dimension::Categorical("edge_" + std::to_string(e), ops, "none"));
  }
  return SearchSpace(dims);
}

TEST(PathModelTest, PathFeaturesIgnoreDeadEdgesOnly) {
  const SearchSpace space = CellSpace();
  const PathFeatures features(space);
  EXPECT_EQ(features.size(), 4 + 16 + 64 + 1);
  Params cell = space.Defaults();
  for (int e = 0; e < 6; ++e) cell["edge_" + std::to_string(e)] = std::string("nor_conv_3x3");
  // Edge 4 (3 <- 1) lies on the path 0 -> 1 -> 3 only: live while edge 0 (1 <- 0) is not none.
  Params other = cell;
  other["edge_4"] = std::string("avg_pool_3x3");
  EXPECT_NE(features(cell), features(other));
  cell["edge_0"] = other["edge_0"] = std::string("none");
  EXPECT_EQ(features(cell), features(other));
  EXPECT_EQ(features(cell).tail(1)[0], 1.0);  // the intercept
}

}  // namespace
}  // namespace symnas::search
