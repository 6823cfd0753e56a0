// Static metrics of a LayerList (FLOPs, params, peak activation memory, model size) and budgets:
// a set of limits on named metrics, checked against a network's metrics and a device profile.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "symnas/common/layer_spec.hpp"
#include "symnas/hw/profile.hpp"

namespace symnas::hw {

/// Numeric precision of stored weights / activations.
enum class Precision { kFp32, kInt8 };

/// Bytes per element of a precision.
int BytesPer(Precision precision);

/// The static cost metrics of one network at batch 1.
struct NetworkMetrics {
  double flops = 0;                    ///< sum of LayerSpec::flops
  double macs = 0;                     ///< sum of LayerSpec::macs
  std::int64_t params = 0;             ///< trainable parameters
  std::int64_t peak_memory_bytes = 0;  ///< largest live activation set, see PeakActivationBytes
  std::int64_t model_size_bytes = 0;   ///< params x bytes of the weight precision
};

/// Peak activation memory of a layer list, batch 1: the largest over layers of input + output
/// elements (a kAdd holds num_inputs inputs) times the element size. Exact for sequential
/// networks; a lower bound for branched ones (a LayerList carries no graph edges).
std::int64_t PeakActivationBytes(const LayerList& layers, Precision precision);

/// All static metrics; weights and activations stored at `precision`.
NetworkMetrics ComputeMetrics(const LayerList& layers, Precision precision = Precision::kFp32);

/// The metric names a budget may name, in a fixed order: flops, params, peak_memory_bytes,
/// model_size_bytes, latency_ms, energy_mj.
const std::vector<std::string>& BudgetMetricNames();

/// Values of the budget metrics for one candidate; latency/energy present when estimated.
using MetricValues = std::map<std::string, double>;

/// Collects the static metrics (and, if given, latency_ms / energy_mj) into MetricValues.
MetricValues ToMetricValues(const NetworkMetrics& metrics, std::optional<double> latency_ms = {},
                            std::optional<double> energy_mj = {});

/// One limit: metric <= limit.
struct Budget {
  std::string metric;  ///< one of BudgetMetricNames()
  double limit = 0;    ///< in the metric's unit
  std::string why;     ///< where the limit comes from, e.g. "cortex_m7 sram_bytes"
};

/// A budget that a candidate exceeds (or cannot be checked because the metric is missing).
struct BudgetViolation {
  Budget budget;
  double value = 0;      ///< the candidate's value (NaN when missing)
  bool missing = false;  ///< the metric was not computed for this candidate
};

/// Validates a budget's metric name (UnknownNameError listing the valid names) and limit.
void ValidateBudget(const Budget& budget);

/// The budgets a device imposes by itself: SRAM (else RAM) for peak activations at the given
/// activation precision, flash for the weights.
std::vector<Budget> DeviceBudgets(const DeviceProfile& profile);

/// Every budget of `budgets` that `values` exceeds or lacks.
std::vector<BudgetViolation> CheckBudgets(const std::vector<Budget>& budgets,
                                          const MetricValues& values);

/// "peak_memory_bytes = 600000 > 524288 (cortex_m7 sram_bytes)".
std::string Describe(const BudgetViolation& violation);

}  // namespace symnas::hw
