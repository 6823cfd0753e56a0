// Timing interface used by the `measured` and `lut` estimators: runs a network or a single layer
// at batch 1 and reports the median of N runs. The libtorch implementation is in torch_timer.hpp;
// tests may inject a deterministic fake.
#pragma once

#include <string>
#include <vector>

#include "symnas/common/layer_spec.hpp"

namespace symnas::hw {

/// Result of timing one network or layer: median of `runs` repetitions after warm-up.
struct Timing {
  double median_ms = 0;
  double p10_ms = 0;  ///< 10th percentile
  double p90_ms = 0;  ///< 90th percentile
  int runs = 0;

  /// (p90 - p10) / median, a noise indicator.
  double Spread() const { return median_ms > 0 ? (p90_ms - p10_ms) / median_ms : 0; }
};

/// How timing is done: warm-up runs, timed runs, threads.
struct TimingOptions {
  int warmup_runs = 5;
  int timed_runs = 30;
  int threads = 1;
  /// Time with the calling thread's CPU clock instead of the wall clock: time the thread is
  /// preempted by other processes is not counted. Needs threads == 1 (all work on this thread).
  bool thread_cpu_clock = false;
};

/// Times networks and layers on the host.
class NetworkTimer {
 public:
  virtual ~NetworkTimer() = default;
  /// Times the whole network (a sequential LayerList).
  virtual Timing TimeNetwork(const LayerList& layers) = 0;
  /// Times one layer alone on an input of its shape.
  virtual Timing TimeLayer(const LayerSpec& layer) = 0;
  /// e.g. "libtorch 2.1 cpu, 1 thread, 5 warm-up, median of 30".
  virtual std::string Describe() const = 0;
};

/// Summarises raw run times (ms) into a Timing (median, p10, p90).
Timing SummariseRuns(std::vector<double> run_ms);

}  // namespace symnas::hw
