// Roofline cost model (Williams et al. 2009, "Roofline: an insightful visual performance model"):
// LayerList + DeviceProfile -> per-layer max(compute time, memory time) + overhead, and energy as
// compute + memory-traffic + static terms. An ESTIMATE from peak figures, not a measurement.
#pragma once

#include <vector>

#include "symnas/common/layer_spec.hpp"
#include "symnas/hw/profile.hpp"

namespace symnas::hw {

/// The roofline view of one layer.
struct RooflineLayer {
  double work_flops = 0;     ///< arithmetic work: 2 per MAC + element-wise ops
  double traffic_bytes = 0;  ///< fp32 inputs + outputs + weights moved to/from main memory
  double compute_ms = 0;     ///< work_flops / peak
  double memory_ms = 0;      ///< traffic_bytes / bandwidth
  double latency_ms = 0;     ///< max(compute_ms, memory_ms) + layer overhead
  double energy_mj = 0;      ///< dynamic energy of this layer (no static term)
};

/// The whole network.
struct RooflineResult {
  std::vector<RooflineLayer> layers;
  double latency_ms = 0;  ///< sum over layers
  double energy_mj = 0;   ///< dynamic energy + idle_power_w x latency
};

/// Arithmetic work of a layer: 2 FLOPs per MAC for conv/dense; per output element: batch norm 2,
/// activation 1, pool k*k, add (inputs-1); global pool 1 per input element; flatten/dropout 0.
double WorkFlops(const LayerSpec& layer);

/// Bytes a layer moves at fp32: inputs (x num_inputs for add) + outputs + params; 0 for views
/// (flatten, dropout).
double TrafficBytes(const LayerSpec& layer);

/// Per-layer and total roofline latency and energy on `profile`.
RooflineResult Roofline(const LayerList& layers, const DeviceProfile& profile);

}  // namespace symnas::hw
