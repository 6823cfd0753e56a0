// The one interface through which the search reaches a model: the search core never depends on
// libtorch. Implementations: the CNN trainer (nn), the NAS-Bench-201 table look-up (bench mode),
// synthetic test functions (tests).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "symnas/search/types.hpp"

namespace symnas::search {

/// Metrics of a training evaluator that measures its int8 deployment (the cnn evaluator's
/// `int8: true`): the validation accuracy of the int8 model, and accuracy minus it (fractions).
inline constexpr const char* kInt8AccuracyMetric = "int8_accuracy";
inline constexpr const char* kQuantDropMetric = "quant_drop";

/// Called by a training evaluator after every epoch with the curves so far and the number of
/// epochs the run would take; returning true stops the run (the trial is pruned).
using EpochMonitor = std::function<bool(const LearningCurves& so_far, int max_epochs)>;

/// Turns a candidate's parameters into an outcome.
class Evaluator {
 public:
  virtual ~Evaluator() = default;

  /// Costs known without training (flops, params, peak_memory_bytes, estimated latency_ms...).
  /// Used to check budgets before training and by strategies that discard over-budget
  /// candidates. Throws ArchError (or another symnas::Error) if the candidate is invalid.
  virtual std::map<std::string, double> EstimateCosts(const Params& params) = 0;

  /// Trains (or looks up) the candidate. Never throws for an expected failure (divergence,
  /// invalid architecture, out of memory): returns status kFailed with the reason instead.
  virtual EvalResult Evaluate(const Params& params, std::uint64_t seed) = 0;

  /// Evaluate, asking `monitor` after every epoch whether to go on. An evaluator that trains
  /// stops when it returns true and reports status kPruned with the curves of the epochs run;
  /// the default (table look-ups, synthetic functions) has no epochs and ignores it.
  virtual EvalResult EvaluateMonitored(const Params& params, std::uint64_t seed,
                                       const EpochMonitor& monitor) {
    (void)monitor;
    return Evaluate(params, seed);
  }
};

}  // namespace symnas::search
