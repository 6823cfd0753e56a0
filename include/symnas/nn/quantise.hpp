// Post-training static int8 quantisation of a calibrated TrainedModel, in QDQ form: the one home
// of the batch-norm folding and of every scale and zero point. Produces the Int8Plan that
// WriteOnnxInt8 writes as ONNX and that SimulateInt8 runs in libtorch, so the accuracy symnas
// reports is the accuracy of the file it writes (docs/nn.md, "int8").
#pragma once

#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <map>

#include "symnas/nn/dataset.hpp"
#include "symnas/nn/export.hpp"

namespace symnas::nn {

/// uint8 asymmetric quantisation of one activation tensor, as ONNX QuantizeLinear /
/// DequantizeLinear: q = saturate(round_half_even(x / scale) + zero_point) in 0..255,
/// x' = (q - zero_point) * scale.
struct ActivationQuant {
  float scale = 1.0f;
  std::uint8_t zero_point = 0;
};

/// The quantisation of a calibrated range [lo, hi]: widened to include 0, scale = (hi - lo) /
/// 255 (1 for an empty range), zero_point = round(-lo / scale) within 0..255.
ActivationQuant ActivationQuantOf(float lo, float hi);

/// Quantise-dequantise `x` exactly as QuantizeLinear -> DequantizeLinear (float32 division,
/// round half to even, saturation), elementwise.
torch::Tensor FakeQuantise(const torch::Tensor& x, const ActivationQuant& q);

/// One Conv2d or Linear layer of the int8 graph: its input through QDQ, its weight int8
/// (symmetric, per output channel, zero point 0), its bias int32 (scale = input scale x weight
/// scale, zero point 0), both through DequantizeLinear; the layer itself runs in float.
struct Int8Layer {
  bool folds_next = false;     ///< the next child (a BatchNorm2d) is folded into this conv
  ActivationQuant input;       ///< of the layer's input (calibrated range)
  torch::Tensor weight_q;      ///< int8 (kChar), the weight's shape (after folding)
  torch::Tensor weight_scale;  ///< float, one per output channel
  torch::Tensor bias_q;        ///< int32 (kInt), one per output channel; undefined: no bias
  torch::Tensor bias_scale;    ///< float, one per output channel (with bias_q)
  /// DequantizeLinear of the weight: weight_q * weight_scale (broadcast over axis 0).
  torch::Tensor Weight() const;
  /// DequantizeLinear of the bias (undefined when there is none).
  torch::Tensor Bias() const;
};

/// The int8 graph of a model: its Conv2d / Linear layers by index among the module's children.
using Int8Plan = std::map<std::size_t, Int8Layer>;

/// Plans the int8 graph of `model`: a BatchNorm2d right after a Conv2d is folded into it
/// (w * gamma / sqrt(var + eps), (b - mean) * gamma / sqrt(var + eps) + beta), input
/// quantisation from model.input_ranges. ExportError when the model has no calibration (saved
/// before int8 existed) or a layer lacks its range.
Int8Plan PlanInt8(const TrainedModel& model);

/// Runs the int8 graph of `plan` on images standardised as the model expects (N x C x H x W,
/// i.e. after the exported graph's Sub/Div): logits N x classes, in libtorch, eval mode.
torch::Tensor SimulateInt8Standardised(TrainedModel& model, const Int8Plan& plan,
                                       const torch::Tensor& x);
/// Runs the exported int8 function on images scaled 0..1 (pixel / 255), as RunTrainedModel
/// does for fp32: standardise, then SimulateInt8Standardised.
torch::Tensor SimulateInt8(TrainedModel& model, const Int8Plan& plan,
                           const torch::Tensor& images01);

/// fp32 and simulated int8 accuracy of a model on labelled images.
struct Int8Accuracy {
  double fp32 = 0.0;        ///< fraction of images classified right by the fp32 model
  double int8 = 0.0;        ///< by the int8 graph (SimulateInt8)
  double same_class = 0.0;  ///< fraction of images both assign the same class
  std::int64_t images = 0;
};

/// Accuracies of `model` on `data`, whose images were standardised with `mean` / `std` (a
/// DataSplits' split): the images are mapped back to pixels / 255 and run through both exported
/// functions (RunTrainedModel and SimulateInt8), in batches of `batch_size`.
Int8Accuracy MeasureInt8Accuracy(TrainedModel& model, const Dataset& data,
                                 const std::vector<float>& mean, const std::vector<float>& std,
                                 std::int64_t batch_size = 1000);

}  // namespace symnas::nn
