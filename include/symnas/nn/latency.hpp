// Measured host latency of an Arch's module: batch 1, eval mode, warm-up runs, then N timed
// forward passes; reports the median and spread with the thread count used.
#pragma once

#include <nlohmann/json.hpp>

#include "symnas/nn/arch.hpp"

namespace symnas::nn {

/// How to measure.
struct LatencyOptions {
  int warmup = 10;  ///< untimed forward passes first
  int runs = 50;    ///< timed forward passes
  int threads = 1;  ///< libtorch intra-op threads
  std::uint64_t seed = 0;
};

/// Latency figures in milliseconds for one forward pass at batch 1.
struct LatencyReport {
  double median_ms = 0;
  double p10_ms = 0;  ///< 10th percentile
  double p90_ms = 0;  ///< 90th percentile
  double min_ms = 0;
  double max_ms = 0;
  int runs = 0;
  int warmup = 0;
  int threads = 0;
};

/// Builds the module (random weights; latency does not depend on their values) and times it.
LatencyReport MeasureLatency(const Arch& arch, const LatencyOptions& options = {});

nlohmann::json LatencyReportToJson(const LatencyReport& report);

}  // namespace symnas::nn
