// LayerList -> NetworkMetrics; budgets checked against metric values and device limits.
#include "symnas/hw/metrics.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "symnas/common/error.hpp"

namespace symnas::hw {

int BytesPer(Precision precision) { return precision == Precision::kInt8 ? 1 : 4; }

std::int64_t PeakActivationBytes(const LayerList& layers, Precision precision) {
  std::int64_t peak_elements = 0;
  for (const LayerSpec& layer : layers) {
    const std::int64_t inputs = layer.InputElements() * std::max(1, layer.num_inputs);
    peak_elements = std::max(peak_elements, inputs + layer.OutputElements());
  }
  return peak_elements * BytesPer(precision);
}

NetworkMetrics ComputeMetrics(const LayerList& layers, Precision precision) {
  NetworkMetrics m;
  for (const LayerSpec& layer : layers) {
    m.flops += layer.flops;
    m.macs += layer.macs;
    m.params += layer.params;
  }
  m.peak_memory_bytes = PeakActivationBytes(layers, precision);
  m.model_size_bytes = m.params * BytesPer(precision);
  return m;
}

const std::vector<std::string>& BudgetMetricNames() {
  static const std::vector<std::string> kNames = {
      "flops", "params", "peak_memory_bytes", "model_size_bytes", "latency_ms", "energy_mj"};
  return kNames;
}

MetricValues ToMetricValues(const NetworkMetrics& metrics, std::optional<double> latency_ms,
                            std::optional<double> energy_mj) {
  MetricValues v = {{"flops", metrics.flops},
                    {"params", static_cast<double>(metrics.params)},
                    {"peak_memory_bytes", static_cast<double>(metrics.peak_memory_bytes)},
                    {"model_size_bytes", static_cast<double>(metrics.model_size_bytes)}};
  if (latency_ms) v["latency_ms"] = *latency_ms;
  if (energy_mj) v["energy_mj"] = *energy_mj;
  return v;
}

void ValidateBudget(const Budget& budget) {
  const auto& names = BudgetMetricNames();
  if (std::find(names.begin(), names.end(), budget.metric) == names.end()) {
    std::string valid;
    for (const auto& n : names) valid += (valid.empty() ? "" : ", ") + n;
    throw UnknownNameError(UnknownNameMessage("budget metric", budget.metric, valid));
  }
  if (!(budget.limit > 0) || !std::isfinite(budget.limit)) {
    throw ConfigError("budget on '" + budget.metric + "' must be a positive finite number");
  }
}

std::vector<Budget> DeviceBudgets(const DeviceProfile& profile) {
  std::vector<Budget> budgets;
  if (profile.sram_bytes) {
    budgets.push_back({"peak_memory_bytes", static_cast<double>(*profile.sram_bytes),
                       profile.name + " sram_bytes"});
  } else {
    budgets.push_back(
        {"peak_memory_bytes", static_cast<double>(profile.ram_bytes), profile.name + " ram_bytes"});
  }
  if (profile.flash_bytes) {
    budgets.push_back({"model_size_bytes", static_cast<double>(*profile.flash_bytes),
                       profile.name + " flash_bytes"});
  }
  return budgets;
}

std::vector<BudgetViolation> CheckBudgets(const std::vector<Budget>& budgets,
                                          const MetricValues& values) {
  std::vector<BudgetViolation> out;
  for (const Budget& b : budgets) {
    ValidateBudget(b);
    const auto it = values.find(b.metric);
    if (it == values.end()) {
      out.push_back({b, std::numeric_limits<double>::quiet_NaN(), true});
    } else if (!(it->second <= b.limit)) {
      out.push_back({b, it->second, false});
    }
  }
  return out;
}

std::string Describe(const BudgetViolation& v) {
  const std::string why = v.budget.why.empty() ? "" : " (" + v.budget.why + ")";
  if (v.missing)
    return fmt::format("{} not computed; budget {:g}{}", v.budget.metric, v.budget.limit, why);
  return fmt::format("{} = {:g} > {:g}{}", v.budget.metric, v.value, v.budget.limit, why);
}

}  // namespace symnas::hw
