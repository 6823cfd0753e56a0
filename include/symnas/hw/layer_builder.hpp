// Builds LayerSpecs with their shapes, MACs, params and FLOPs filled in, so that code producing a
// LayerList (nn's cost analytics, the NAS-Bench-201 cell, the random CNNs of the LUT check,
// tests) agrees on them; the FLOPs convention is the caller's.
#pragma once

#include <string>

#include "symnas/common/layer_spec.hpp"

namespace symnas::hw {

/// How a builder counts a layer's FLOPs from its filled-in shapes and MACs.
using FlopsConvention = double (*)(const LayerSpec& layer);

/// Appends layers to a LayerList while tracking the current tensor shape (C, H, W).
class LayerBuilder {
 public:
  /// Starts from an input of `channels` x `h` x `w`; each layer's flops are `flops(layer)`
  /// (nullptr: the NAS-Bench-201 convention, hw::Nb201Flops; nn's cost analytics pass theirs).
  LayerBuilder(int channels, int h, int w, FlopsConvention flops = nullptr);

  /// Square convolution, padding (kernel-1)/2, optional bias. Throws ArchError on a bad shape.
  LayerBuilder& Conv(const std::string& name, int out_channels, int kernel, int stride = 1,
                     int groups = 1, bool bias = false);
  /// Batch norm with affine parameters (2 params per channel).
  LayerBuilder& BatchNorm(const std::string& name);
  /// Element-wise activation (relu, elu, selu, swish).
  LayerBuilder& Activation(const std::string& name, const std::string& kind = "relu");
  /// Average pool; padding (kernel-1)/2 when `same`, else 0.
  LayerBuilder& AvgPool(const std::string& name, int kernel, int stride, bool same);
  /// Max pool; padding (kernel-1)/2 when `same`, else 0.
  LayerBuilder& MaxPool(const std::string& name, int kernel, int stride, bool same);
  /// Global average pool to C x 1 x 1.
  LayerBuilder& GlobalAvgPool(const std::string& name);
  /// Flatten to C*H*W x 1 x 1.
  LayerBuilder& Flatten(const std::string& name);
  /// Fully connected layer with bias.
  LayerBuilder& Dense(const std::string& name, int out_features);
  /// Element-wise sum of `inputs` tensors of the current shape (a cell node, a residual).
  LayerBuilder& Add(const std::string& name, int inputs);
  /// Identity at inference.
  LayerBuilder& Dropout(const std::string& name);

  /// Moves the current shape without emitting a layer (to start a parallel branch).
  LayerBuilder& SetShape(int channels, int h, int w);
  int channels() const { return c_; }
  int height() const { return h_; }
  int width() const { return w_; }

  /// The layers built so far.
  const LayerList& layers() const { return layers_; }
  /// Hands the layers over.
  LayerList Take() { return std::move(layers_); }

 private:
  LayerSpec Start(LayerOp op, const std::string& name) const;
  LayerBuilder& Pool(LayerOp op, const std::string& name, int kernel, int stride, bool same);
  LayerBuilder& Push(LayerSpec layer);

  LayerList layers_;
  int c_, h_, w_;
  FlopsConvention flops_;
};

}  // namespace symnas::hw
