// LayerList -> predictor feature vector (totals, op counts, per-stage summaries).
#include "symnas/hw/features.hpp"

#include <algorithm>
#include <cmath>

#include "symnas/hw/metrics.hpp"
#include "symnas/hw/roofline.hpp"

namespace symnas::hw {

namespace {
constexpr int kOpKinds = 10;  // LayerOp values
const char* const kStageFields[] = {"macs",  "params", "traffic", "conv1x1",     "conv3x3",
                                    "convk", "pools",  "adds",    "elementwise", "hw"};
constexpr int kStageFieldCount = sizeof(kStageFields) / sizeof(kStageFields[0]);
const char* const kTotals[] = {"log_macs", "log_params",  "log_peak_bytes",   "layers",
                               "depth",    "log_traffic", "log_roofline_work"};
constexpr int kTotalCount = sizeof(kTotals) / sizeof(kTotals[0]);

double Log1p(double x) { return std::log1p(std::max(0.0, x)); }
}  // namespace

const std::vector<std::string>& ArchFeatureNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names(kTotals, kTotals + kTotalCount);
    for (int op = 0; op < kOpKinds; ++op) {
      names.push_back(std::string("count_") + LayerOpName(static_cast<LayerOp>(op)));
    }
    for (int s = 0; s < kFeatureStages; ++s) {
      for (const char* f : kStageFields) names.push_back("s" + std::to_string(s) + "_" + f);
    }
    return names;
  }();
  return kNames;
}

std::vector<double> ArchFeatures(const LayerList& layers) {
  std::vector<double> f(ArchFeatureNames().size(), 0.0);
  double macs = 0, params = 0, traffic = 0, work = 0, depth = 0;
  const int stage_base = kTotalCount + kOpKinds;
  int stage = 0;
  int smallest_hw = layers.empty() ? 0 : layers.front().in_h * layers.front().in_w;
  for (const LayerSpec& layer : layers) {
    const bool spatial = layer.op != LayerOp::kDense && layer.op != LayerOp::kFlatten &&
                         layer.op != LayerOp::kGlobalAvgPool;
    // A new stage starts when the feature map becomes smaller than any seen before.
    if (spatial && layer.out_h * layer.out_w < smallest_hw) {
      smallest_hw = layer.out_h * layer.out_w;
      stage = std::min(stage + 1, kFeatureStages - 1);
    }
    double* s = &f[stage_base + stage * kStageFieldCount];
    const double layer_traffic = TrafficBytes(layer) / 4.0;
    s[0] += layer.macs;
    s[1] += static_cast<double>(layer.params);
    s[2] += layer_traffic;
    if (layer.op == LayerOp::kConv2d) {
      s[layer.kernel == 1 ? 3 : layer.kernel == 3 ? 4 : 5] += 1;
      depth += 1;
    }
    if (layer.op == LayerOp::kAvgPool || layer.op == LayerOp::kMaxPool) s[6] += 1;
    if (layer.op == LayerOp::kAdd) s[7] += layer.num_inputs - 1;
    if (layer.op == LayerOp::kBatchNorm || layer.op == LayerOp::kActivation) s[8] += 1;
    if (spatial) s[9] = std::max(s[9], static_cast<double>(layer.out_h * layer.out_w));
    if (layer.op == LayerOp::kDense) depth += 1;
    f[kTotalCount + static_cast<int>(layer.op)] += 1;
    macs += layer.macs;
    params += static_cast<double>(layer.params);
    traffic += layer_traffic;
    work += WorkFlops(layer);
  }
  for (int s = 0; s < kFeatureStages; ++s) {
    double* st = &f[stage_base + s * kStageFieldCount];
    for (int i : {0, 1, 2}) st[i] = Log1p(st[i]);
  }
  f[0] = Log1p(macs);
  f[1] = Log1p(params);
  f[2] = Log1p(static_cast<double>(PeakActivationBytes(layers, Precision::kFp32)));
  f[3] = static_cast<double>(layers.size());
  f[4] = depth;
  f[5] = Log1p(traffic);
  f[6] = Log1p(work);
  return f;
}

}  // namespace symnas::hw
