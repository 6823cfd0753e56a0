// Expected improvement and the multi-start acquisition search.
#include "acquisition.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace symnas::search::bo {

double ExpectedImprovement(double mean, double variance, double best, double xi) {
  const double sd = std::sqrt(std::max(variance, 0.0));
  const double gain = mean - best - xi;
  if (sd < 1e-12) return std::max(gain, 0.0);
  const double z = gain / sd;
  const double cdf = 0.5 * std::erfc(-z / std::numbers::sqrt2);
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
  return gain * cdf + sd * pdf;
}

std::optional<Eigen::VectorXd> MaximiseAcquisition(
    const SearchSpace& space, const std::function<double(const Eigen::VectorXd&)>& score,
    const std::vector<Eigen::VectorXd>& incumbents, const std::function<bool(const Params&)>& reject,
    const AcquisitionSearch& settings, std::mt19937_64& rng) {
  struct Scored {
    double value;
    Eigen::VectorXd x;
  };
  std::vector<Scored> pool;
  auto consider = [&](const Eigen::VectorXd& raw) -> std::optional<Scored> {
    Params p = space.Decode(raw);
    if (reject(p)) return std::nullopt;
    Eigen::VectorXd x = space.Encode(p);
    return Scored{score(x), x};
  };
  std::normal_distribution<double> gauss(0.0, 1.0);
  for (int i = 0; i < settings.samples; ++i) {
    if (auto s = consider(space.Encode(space.Sample(rng)))) pool.push_back(*s);
  }
  for (const auto& inc : incumbents) {
    for (int i = 0; i < 10; ++i) {
      Eigen::VectorXd x = inc;
      for (Eigen::Index k = 0; k < x.size(); ++k) x[k] += 0.1 * gauss(rng);
      if (auto s = consider(x)) pool.push_back(*s);
    }
  }
  if (pool.empty()) return std::nullopt;
  std::sort(pool.begin(), pool.end(), [](const auto& a, const auto& b) { return a.value > b.value; });
  Scored best = pool.front();
  const int starts = std::min<int>(settings.starts, static_cast<int>(pool.size()));
  for (int s = 0; s < starts; ++s) {
    Scored current = pool[static_cast<std::size_t>(s)];
    double step = 0.1;
    int failures = 0;
    for (int t = 0; t < settings.local_steps && step > 1e-3; ++t) {
      Eigen::VectorXd x = current.x;
      for (Eigen::Index k = 0; k < x.size(); ++k) x[k] += step * gauss(rng);
      auto candidate = consider(x);
      if (candidate && candidate->value > current.value) {
        current = *candidate;
        failures = 0;
      } else if (++failures >= 10) {
        step *= 0.5;
        failures = 0;
      }
    }
    if (current.value > best.value) best = current;
  }
  return best.x;
}

}  // namespace symnas::search::bo
