// Raw run times -> Timing (median, 10th and 90th percentiles).
#include "symnas/hw/timer.hpp"

#include <algorithm>
#include <cmath>

namespace symnas::hw {

namespace {
double Quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}
}  // namespace

Timing SummariseRuns(std::vector<double> run_ms) {
  Timing t;
  if (run_ms.empty()) return t;
  std::sort(run_ms.begin(), run_ms.end());
  t.median_ms = Quantile(run_ms, 0.5);
  t.p10_ms = Quantile(run_ms, 0.1);
  t.p90_ms = Quantile(run_ms, 0.9);
  t.runs = static_cast<int>(run_ms.size());
  return t;
}

}  // namespace symnas::hw
