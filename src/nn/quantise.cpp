// The int8 plan of a calibrated TrainedModel (batch norm folded, activation/weight/bias scales
// and zero points) and its libtorch simulation: the QDQ graph WriteOnnxInt8 writes, run with
// the same rounding (round half to even after a float32 division, saturation).
#include "symnas/nn/quantise.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "symnas/common/error.hpp"

namespace symnas::nn {
namespace {

namespace tnn = torch::nn;

// Folds an eval-mode batch norm into the preceding convolution's weight and bias.
void FoldBatchNorm(const tnn::BatchNorm2dImpl& bn, torch::Tensor& weight, torch::Tensor& bias) {
  const torch::Tensor scale = bn.weight.detach() / torch::sqrt(bn.running_var + bn.options.eps());
  const torch::Tensor b0 = bias.defined() ? bias.detach() : torch::zeros_like(bn.running_mean);
  weight = weight * scale.reshape({-1, 1, 1, 1});
  bias = (b0 - bn.running_mean) * scale + bn.bias.detach();
}

// `scale` shaped to broadcast along axis 0 of a tensor of `dims` dimensions.
torch::Tensor AlongAxis0(const torch::Tensor& scale, std::int64_t dims) {
  std::vector<std::int64_t> shape(static_cast<std::size_t>(dims), 1);
  shape[0] = scale.size(0);
  return scale.reshape(shape);
}

// Weight int8 symmetric per output channel (scale = max |w| / 127, 1 for an all-zero channel),
// bias int32 with scale = input scale x weight scale.
void QuantiseWeights(const torch::Tensor& weight, const torch::Tensor& bias, Int8Layer& layer) {
  const torch::Tensor w = weight.to(torch::kFloat).contiguous();
  torch::Tensor w_scale = std::get<0>(w.abs().reshape({w.size(0), -1}).max(1)) / 127.0f;
  layer.weight_scale = torch::where(w_scale > 0, w_scale, torch::ones_like(w_scale));
  layer.weight_q =
      torch::clamp(torch::round(w / AlongAxis0(layer.weight_scale, w.dim())), -127, 127)
          .to(torch::kChar);
  if (!bias.defined()) return;
  layer.bias_scale = layer.weight_scale * layer.input.scale;
  layer.bias_q = torch::round(bias.to(torch::kFloat) / layer.bias_scale)
                     .clamp(-2147483647.0, 2147483647.0)
                     .to(torch::kInt);
}

}  // namespace

ActivationQuant ActivationQuantOf(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  ActivationQuant q;
  q.scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
  q.zero_point = static_cast<std::uint8_t>(std::clamp(std::lround(-lo / q.scale), 0L, 255L));
  return q;
}

torch::Tensor FakeQuantise(const torch::Tensor& x, const ActivationQuant& q) {
  const float zero = q.zero_point;
  // torch::round rounds half to even, as QuantizeLinear does.
  const torch::Tensor quantised = torch::clamp(torch::round(x / q.scale) + zero, 0.0, 255.0);
  return (quantised - zero) * q.scale;
}

torch::Tensor Int8Layer::Weight() const {
  return weight_q.to(torch::kFloat) * AlongAxis0(weight_scale, weight_q.dim());
}

torch::Tensor Int8Layer::Bias() const {
  return bias_q.defined() ? bias_q.to(torch::kFloat) * bias_scale : torch::Tensor();
}

Int8Plan PlanInt8(const TrainedModel& model) {
  if (model.input_ranges.empty()) {
    throw Error("ExportError",
                "int8 export: the model has no calibration ranges (saved before int8 export "
                "existed); retrain it (symnas train --save, or a study with keep_weights: "
                "none, whose export retrains) or use --format onnx");
  }
  torch::NoGradGuard no_grad;
  Int8Plan plan;
  const auto layers = model.module->children();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    auto* conv = layers[i]->as<tnn::Conv2d>();
    auto* fc = layers[i]->as<tnn::Linear>();
    if (conv == nullptr && fc == nullptr) continue;
    const auto range = model.input_ranges.find(static_cast<int>(i));
    if (range == model.input_ranges.end()) {
      throw Error("ExportError", fmt::format("int8 export: no calibration range for layer {}", i));
    }
    Int8Layer layer;
    layer.input = ActivationQuantOf(range->second.first, range->second.second);
    torch::Tensor weight = (conv ? conv->weight : fc->weight).detach();
    torch::Tensor bias = conv ? conv->bias : fc->bias;
    if (conv && i + 1 < layers.size() && layers[i + 1]->as<tnn::BatchNorm2d>() != nullptr) {
      FoldBatchNorm(*layers[i + 1]->as<tnn::BatchNorm2d>(), weight, bias);
      layer.folds_next = true;
    }
    QuantiseWeights(weight, bias.defined() ? bias.detach() : bias, layer);
    plan.emplace(i, std::move(layer));
  }
  return plan;
}

torch::Tensor SimulateInt8Standardised(TrainedModel& model, const Int8Plan& plan,
                                       const torch::Tensor& x_in) {
  torch::NoGradGuard no_grad;
  model.module->eval();
  torch::Tensor x = x_in.to(torch::kFloat);
  const auto layers = model.module->children();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto it = plan.find(i);
    if (it == plan.end()) {  // activations, pooling, dropout (identity), flatten, a lone BN
      x = (model.module->begin() + static_cast<std::ptrdiff_t>(i))->forward(x);
      continue;
    }
    const Int8Layer& q = it->second;
    x = FakeQuantise(x, q.input);
    if (auto* conv = layers[i]->as<tnn::Conv2d>()) {
      const auto pad = c10::get<torch::ExpandingArray<2>>(conv->options.padding());
      x = torch::conv2d(x, q.Weight(), q.Bias(), {1, 1}, {pad->at(0), pad->at(1)});
    } else {
      x = torch::linear(x, q.Weight(), q.Bias());
    }
    if (q.folds_next) ++i;
  }
  return x;
}

torch::Tensor SimulateInt8(TrainedModel& model, const Int8Plan& plan,
                           const torch::Tensor& images01) {
  const auto c = static_cast<std::int64_t>(model.mean.size());
  const torch::Tensor x = (images01 - torch::tensor(model.mean).reshape({1, c, 1, 1})) /
                          torch::tensor(model.std).reshape({1, c, 1, 1});
  return SimulateInt8Standardised(model, plan, x);
}

Int8Accuracy MeasureInt8Accuracy(TrainedModel& model, const Dataset& data,
                                 const std::vector<float>& mean, const std::vector<float>& std,
                                 std::int64_t batch_size) {
  const Int8Plan plan = PlanInt8(model);
  const auto c = static_cast<std::int64_t>(mean.size());
  const torch::Tensor data_mean = torch::tensor(mean).reshape({1, c, 1, 1});
  const torch::Tensor data_std = torch::tensor(std).reshape({1, c, 1, 1});
  Int8Accuracy out;
  out.images = data.Size();
  std::int64_t right_fp32 = 0, right_int8 = 0, same = 0;
  for (std::int64_t start = 0; start < out.images; start += batch_size) {
    const std::int64_t end = std::min(out.images, start + batch_size);
    const torch::Tensor images01 = data.images.slice(0, start, end) * data_std + data_mean;
    const torch::Tensor labels = data.labels.slice(0, start, end);
    const torch::Tensor fp32 = RunTrainedModel(model, images01).argmax(1);
    const torch::Tensor int8 = SimulateInt8(model, plan, images01).argmax(1);
    right_fp32 += fp32.eq(labels).sum().item<std::int64_t>();
    right_int8 += int8.eq(labels).sum().item<std::int64_t>();
    same += fp32.eq(int8).sum().item<std::int64_t>();
  }
  if (out.images > 0) {
    const auto n = static_cast<double>(out.images);
    out.fp32 = static_cast<double>(right_fp32) / n;
    out.int8 = static_cast<double>(right_int8) / n;
    out.same_class = static_cast<double>(same) / n;
  }
  return out;
}

}  // namespace symnas::nn
