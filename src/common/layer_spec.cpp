// Names of the layer operators.
#include "symnas/common/layer_spec.hpp"

namespace symnas {

const char* LayerOpName(LayerOp op) {
  switch (op) {
    case LayerOp::kConv2d: return "conv2d";
    case LayerOp::kDense: return "dense";
    case LayerOp::kMaxPool: return "max_pool";
    case LayerOp::kAvgPool: return "avg_pool";
    case LayerOp::kGlobalAvgPool: return "global_avg_pool";
    case LayerOp::kBatchNorm: return "batch_norm";
    case LayerOp::kActivation: return "activation";
    case LayerOp::kAdd: return "add";
    case LayerOp::kFlatten: return "flatten";
    case LayerOp::kDropout: return "dropout";
  }
  return "unknown";
}

}  // namespace symnas
