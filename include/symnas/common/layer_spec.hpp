// The network-agnostic description of one layer at inference time, batch 1. The cost analytics
// (nn) produce a list of these for a CNN, the NAS-Bench-201 cell (hw) for a cell network; the
// hardware estimators (roofline, lookup table, predictor) consume them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace symnas {

/// The operator kinds the cost models know.
enum class LayerOp {
  kConv2d,
  kDense,
  kMaxPool,
  kAvgPool,
  kGlobalAvgPool,
  kBatchNorm,
  kActivation,
  kAdd,  ///< element-wise sum of branches (cells)
  kFlatten,
  kDropout,  ///< identity at inference; kept so layer lists mirror the network
};

/// One layer, with shapes in NCHW order at batch 1 (dense layers use channels only, h = w = 1).
struct LayerSpec {
  LayerOp op = LayerOp::kConv2d;
  std::string name;        ///< e.g. "block0.conv1"
  int in_channels = 0;     ///< C_in
  int in_h = 1;            ///< input height
  int in_w = 1;            ///< input width
  int out_channels = 0;    ///< C_out
  int out_h = 1;           ///< output height
  int out_w = 1;           ///< output width
  int kernel = 1;          ///< square kernel size (conv, pool)
  int stride = 1;          ///< stride (conv, pool)
  int groups = 1;          ///< conv groups (1 = dense conv)
  bool bias = false;       ///< conv/dense adds a bias
  std::string activation;  ///< for kActivation: relu, elu, selu, swish
  double macs = 0;         ///< multiply-accumulates
  double flops = 0;        ///< floating-point operations, by the convention of cost.hpp
  std::int64_t params = 0; ///< trainable parameters
  int num_inputs = 1;      ///< kAdd: number of tensors summed (added by hw)

  std::int64_t InputElements() const {
    return static_cast<std::int64_t>(in_channels) * in_h * in_w;
  }
  std::int64_t OutputElements() const {
    return static_cast<std::int64_t>(out_channels) * out_h * out_w;
  }
};

/// A network as the cost models see it: its layers in execution order.
using LayerList = std::vector<LayerSpec>;

/// snake_case name of an operator ("conv2d", "dense", ...).
const char* LayerOpName(LayerOp op);

}  // namespace symnas
