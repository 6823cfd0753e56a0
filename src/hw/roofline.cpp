// LayerList x DeviceProfile -> roofline latency and energy, layer by layer.
#include "symnas/hw/roofline.hpp"

#include <algorithm>

namespace symnas::hw {

namespace {
bool IsView(const LayerSpec& layer) {
  return layer.op == LayerOp::kFlatten || layer.op == LayerOp::kDropout;
}
}  // namespace

double WorkFlops(const LayerSpec& layer) {
  const double out = static_cast<double>(layer.OutputElements());
  switch (layer.op) {
    case LayerOp::kConv2d:
      return 2 * layer.macs + (layer.bias ? out : 0);
    case LayerOp::kDense:
      return 2 * layer.macs + (layer.bias ? out : 0);
    case LayerOp::kAvgPool:
    case LayerOp::kMaxPool:
      return static_cast<double>(layer.kernel) * layer.kernel * out;
    case LayerOp::kBatchNorm:
      return 2 * out;
    case LayerOp::kActivation:
      return out;
    case LayerOp::kGlobalAvgPool:
      return static_cast<double>(layer.InputElements());
    case LayerOp::kAdd:
      return std::max(0, layer.num_inputs - 1) * out;
    case LayerOp::kFlatten:
    case LayerOp::kDropout:
      return 0;
  }
  return 0;
}

double TrafficBytes(const LayerSpec& layer) {
  if (IsView(layer)) return 0;
  const double inputs = static_cast<double>(layer.InputElements()) * std::max(1, layer.num_inputs);
  return 4.0 *
         (inputs + static_cast<double>(layer.OutputElements()) + static_cast<double>(layer.params));
}

RooflineResult Roofline(const LayerList& layers, const DeviceProfile& profile) {
  RooflineResult result;
  const double flops_per_ms = profile.peak_gflops * 1e6;
  const double bytes_per_ms = profile.memory_bandwidth_gbps * 1e6;
  for (const LayerSpec& layer : layers) {
    RooflineLayer r;
    r.work_flops = WorkFlops(layer);
    r.traffic_bytes = TrafficBytes(layer);
    r.compute_ms = r.work_flops / flops_per_ms;
    r.memory_ms = r.traffic_bytes / bytes_per_ms;
    const double overhead_ms = IsView(layer) ? 0 : profile.layer_overhead_us * 1e-3;
    r.latency_ms = std::max(r.compute_ms, r.memory_ms) + overhead_ms;
    // pJ -> mJ: 1e-9.
    r.energy_mj =
        (r.work_flops * profile.energy_pj_per_flop + r.traffic_bytes * profile.energy_pj_per_byte) *
        1e-9;
    result.latency_ms += r.latency_ms;
    result.energy_mj += r.energy_mj;
    result.layers.push_back(r);
  }
  // W x ms = mJ.
  result.energy_mj += profile.idle_power_w * result.latency_ms;
  return result;
}

}  // namespace symnas::hw
