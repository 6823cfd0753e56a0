// The nasbench201 search space and the table look-up evaluator.
#include "symnas/tabular/nb201_search.hpp"

#include <fmt/core.h>

#include "symnas/common/error.hpp"

namespace symnas::tabular {

search::SearchSpace Nb201Space() {
  std::vector<std::string> ops;
  for (int op = 0; op < kNb201Ops; ++op) ops.push_back(Nb201OpLabel(op));
  std::vector<search::Dimension> dims;
  for (int edge = 0; edge < kNb201Edges; ++edge) {
    dims.push_back(
        search::Dimension::Categorical(fmt::format("edge_{}", edge), ops, "nor_conv_3x3"));
  }
  return search::SearchSpace(std::move(dims));
}

Nb201Ops OpsFromParams(const search::Params& params) {
  Nb201Ops ops{};
  for (int edge = 0; edge < kNb201Edges; ++edge) {
    std::string name = fmt::format("edge_{}", edge);
    auto it = params.find(name);
    if (it == params.end()) {
      throw ConfigError("NAS-Bench-201 candidate has no '" + name + "' (needs edge_0..edge_5)");
    }
    const std::string& label = search::AsString(it->second);
    int op = -1;
    for (int k = 0; k < kNb201Ops; ++k) {
      if (Nb201OpLabel(k) == label) op = k;
    }
    if (op < 0) {
      throw ConfigError(
          fmt::format("NAS-Bench-201 candidate: {} = '{}' is not an operation "
                      "(none, skip_connect, nor_conv_1x1, nor_conv_3x3, "
                      "avg_pool_3x3)",
                      name, label));
    }
    ops[edge] = static_cast<std::uint8_t>(op);
  }
  return ops;
}

search::Params ParamsFromOps(const Nb201Ops& ops) {
  search::Params params;
  for (int edge = 0; edge < kNb201Edges; ++edge) {
    params[fmt::format("edge_{}", edge)] = Nb201OpLabel(ops[edge]);
  }
  return params;
}

std::string DeviceLatencyMetric(const Nb201Device& device) {
  return std::string("latency_ms@") + Nb201DeviceName(device);
}

std::map<std::string, double> Nb201Evaluator::EstimateCosts(const search::Params& params) {
  const int index = table_.IndexOf(OpsFromParams(params));
  std::map<std::string, double> costs;
  costs["latency_ms"] = LatencyOf(index);
  for (const Nb201Device& d : table_.devices()) {
    if (!(hide_device_ && d == device_)) costs[DeviceLatencyMetric(d)] = table_.LatencyMs(index, d);
  }
  return costs;
}

double Nb201Evaluator::LatencyOf(int index) const {
  return latency_override_.empty() ? table_.LatencyMs(index, device_)
                                   : latency_override_[static_cast<std::size_t>(index)];
}

search::EvalResult Nb201Evaluator::Evaluate(const search::Params& params, std::uint64_t) {
  ++evaluations_;
  search::EvalResult result;
  int index = table_.IndexOf(OpsFromParams(params));
  result.accuracy = table_.AccuracyPercent(index, dataset_) / 100.0;
  result.metrics["latency_ms"] = LatencyOf(index);
  for (const Nb201Device& d : table_.devices()) {
    if (!(hide_device_ && d == device_)) {
      result.metrics[DeviceLatencyMetric(d)] = table_.LatencyMs(index, d);
    }
  }
  result.wall_seconds = seconds_per_eval_;
  result.details = {{"index", index}, {"arch", Nb201ArchString(table_.At(index).ops)}};
  if (!latency_override_.empty()) {
    result.details["latency_source"] = latency_source_;
    if (hide_device_) result.details["latency_ms_measured"] = table_.LatencyMs(index, device_);
  }
  return result;
}

}  // namespace symnas::tabular
