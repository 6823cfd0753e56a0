// Host latency measurement: warm-up, N timed batch-1 forward passes, percentiles.
#include "symnas/nn/latency.hpp"

#include <algorithm>
#include <chrono>

#include "symnas/common/cpu.hpp"
#include "symnas/common/error.hpp"
#include "symnas/nn/model.hpp"

namespace symnas::nn {
namespace {

double Percentile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(pos);
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

LatencyReport MeasureLatency(const Arch& arch, const LatencyOptions& o) {
  if (o.runs < 1 || o.warmup < 0 || o.threads < 1) {
    throw ConfigError("latency: runs and threads must be >= 1, warmup >= 0");
  }
  torch::set_num_threads(o.threads);
  ConfigureCpuForTraining(o.threads);
  torch::manual_seed(o.seed);
  auto model = BuildModule(arch);
  UseChannelsLast(*model);
  model->eval();
  torch::NoGradGuard no_grad;
  auto x =
      ToModelLayout(torch::randn({1, arch.input.channels, arch.input.height, arch.input.width}));
  for (int i = 0; i < o.warmup; ++i) model->forward(x);
  std::vector<double> ms;
  for (int i = 0; i < o.runs; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto y = model->forward(x);
    (void)y.data_ptr<float>();
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  LatencyReport r;
  r.median_ms = Percentile(ms, 0.5);
  r.p10_ms = Percentile(ms, 0.1);
  r.p90_ms = Percentile(ms, 0.9);
  r.min_ms = ms.front();
  r.max_ms = ms.back();
  r.runs = o.runs;
  r.warmup = o.warmup;
  r.threads = o.threads;
  return r;
}

nlohmann::json LatencyReportToJson(const LatencyReport& r) {
  return {{"median_ms", r.median_ms}, {"p10_ms", r.p10_ms},  {"p90_ms", r.p90_ms},
          {"min_ms", r.min_ms},       {"max_ms", r.max_ms},  {"runs", r.runs},
          {"warmup", r.warmup},       {"threads", r.threads}};
}

}  // namespace symnas::nn
