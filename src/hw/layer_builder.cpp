// LayerBuilder: shapes, MACs, params and FLOPs (by the caller's convention) of each layer.
#include "symnas/hw/layer_builder.hpp"

#include <string>

#include "symnas/common/error.hpp"
#include "symnas/hw/nb201.hpp"

namespace symnas::hw {

namespace {
int OutSize(int in, int kernel, int stride, int pad, const std::string& name) {
  const int out = (in + 2 * pad - kernel) / stride + 1;
  if (kernel < 1 || stride < 1 || out < 1) {
    throw ArchError("layer '" + name + "' maps size " + std::to_string(in) + " with kernel " +
                    std::to_string(kernel) + " stride " + std::to_string(stride) +
                    " below 1; use a smaller kernel/stride or a larger input");
  }
  return out;
}
}  // namespace

LayerBuilder::LayerBuilder(int channels, int h, int w, FlopsConvention flops)
    : c_(channels), h_(h), w_(w), flops_(flops != nullptr ? flops : &Nb201Flops) {
  if (channels < 1 || h < 1 || w < 1) {
    throw ArchError("input shape must be positive, got " + std::to_string(channels) + "x" +
                    std::to_string(h) + "x" + std::to_string(w));
  }
}

LayerSpec LayerBuilder::Start(LayerOp op, const std::string& name) const {
  LayerSpec layer;
  layer.op = op;
  layer.name = name;
  layer.in_channels = layer.out_channels = c_;
  layer.in_h = layer.out_h = h_;
  layer.in_w = layer.out_w = w_;
  return layer;
}

LayerBuilder& LayerBuilder::Push(LayerSpec layer) {
  layer.flops = flops_(layer);
  c_ = layer.out_channels;
  h_ = layer.out_h;
  w_ = layer.out_w;
  layers_.push_back(std::move(layer));
  return *this;
}

LayerBuilder& LayerBuilder::Conv(const std::string& name, int out_channels, int kernel, int stride,
                                 int groups, bool bias) {
  if (out_channels < 1 || groups < 1 || c_ % groups != 0 || out_channels % groups != 0) {
    throw ArchError("conv '" + name + "': channels " + std::to_string(c_) + "->" +
                    std::to_string(out_channels) + " not divisible by groups " +
                    std::to_string(groups));
  }
  LayerSpec layer = Start(LayerOp::kConv2d, name);
  const int pad = (kernel - 1) / 2;
  layer.out_channels = out_channels;
  layer.out_h = OutSize(h_, kernel, stride, pad, name);
  layer.out_w = OutSize(w_, kernel, stride, pad, name);
  layer.kernel = kernel;
  layer.stride = stride;
  layer.groups = groups;
  layer.bias = bias;
  const double per_output = static_cast<double>(kernel) * kernel * (c_ / groups);
  layer.macs = per_output * static_cast<double>(layer.OutputElements());
  layer.params = static_cast<std::int64_t>(kernel) * kernel * (c_ / groups) * out_channels +
                 (bias ? out_channels : 0);
  return Push(std::move(layer));
}

LayerBuilder& LayerBuilder::BatchNorm(const std::string& name) {
  LayerSpec layer = Start(LayerOp::kBatchNorm, name);
  layer.params = 2LL * c_;
  return Push(std::move(layer));
}

LayerBuilder& LayerBuilder::Activation(const std::string& name, const std::string& kind) {
  LayerSpec layer = Start(LayerOp::kActivation, name);
  layer.activation = kind;
  return Push(std::move(layer));
}

LayerBuilder& LayerBuilder::Pool(LayerOp op, const std::string& name, int kernel, int stride,
                                 bool same) {
  LayerSpec layer = Start(op, name);
  const int pad = same ? (kernel - 1) / 2 : 0;
  layer.out_h = OutSize(h_, kernel, stride, pad, name);
  layer.out_w = OutSize(w_, kernel, stride, pad, name);
  layer.kernel = kernel;
  layer.stride = stride;
  return Push(std::move(layer));
}

LayerBuilder& LayerBuilder::AvgPool(const std::string& name, int kernel, int stride, bool same) {
  return Pool(LayerOp::kAvgPool, name, kernel, stride, same);
}

LayerBuilder& LayerBuilder::MaxPool(const std::string& name, int kernel, int stride, bool same) {
  return Pool(LayerOp::kMaxPool, name, kernel, stride, same);
}

LayerBuilder& LayerBuilder::GlobalAvgPool(const std::string& name) {
  LayerSpec layer = Start(LayerOp::kGlobalAvgPool, name);
  layer.kernel = h_;
  layer.out_h = layer.out_w = 1;
  return Push(std::move(layer));
}

LayerBuilder& LayerBuilder::Flatten(const std::string& name) {
  LayerSpec layer = Start(LayerOp::kFlatten, name);
  layer.out_channels = c_ * h_ * w_;
  layer.out_h = layer.out_w = 1;
  return Push(std::move(layer));
}

LayerBuilder& LayerBuilder::Dense(const std::string& name, int out_features) {
  if (out_features < 1) throw ArchError("dense '" + name + "' needs at least one output");
  LayerSpec layer = Start(LayerOp::kDense, name);
  const int in_features = c_ * h_ * w_;
  layer.in_channels = in_features;
  layer.in_h = layer.in_w = 1;
  layer.out_channels = out_features;
  layer.out_h = layer.out_w = 1;
  layer.bias = true;
  layer.macs = static_cast<double>(in_features) * out_features;
  layer.params = static_cast<std::int64_t>(in_features) * out_features + out_features;
  return Push(std::move(layer));
}

LayerBuilder& LayerBuilder::Add(const std::string& name, int inputs) {
  LayerSpec layer = Start(LayerOp::kAdd, name);
  layer.num_inputs = inputs;
  return Push(std::move(layer));
}

LayerBuilder& LayerBuilder::Dropout(const std::string& name) {
  return Push(Start(LayerOp::kDropout, name));
}

LayerBuilder& LayerBuilder::SetShape(int channels, int h, int w) {
  c_ = channels;
  h_ = h;
  w_ = w;
  return *this;
}

}  // namespace symnas::hw
