// Cost analytics: walks an Arch layer by layer (same order as the libtorch module of model.cpp)
// with hw::LayerBuilder (shapes, MACs, params; FLOPs by cost.hpp's convention) and produces the
// LayerList, then the totals of cost.hpp.
#include "symnas/nn/cost.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "symnas/hw/layer_builder.hpp"

namespace symnas::nn {
namespace {

/// FLOPs by the convention of cost.hpp: 2 x MACs + bias adds for conv and dense, 0 otherwise.
double CostFlops(const LayerSpec& layer) {
  if (layer.op != LayerOp::kConv2d && layer.op != LayerOp::kDense) return 0.0;
  return 2 * layer.macs + (layer.bias ? static_cast<double>(layer.OutputElements()) : 0.0);
}

}  // namespace

CostReport AnalyzeCost(const Arch& arch) {
  Validate(arch);
  hw::LayerBuilder walk(arch.input.channels, arch.input.height, arch.input.width, &CostFlops);
  for (std::size_t i = 0; i < arch.blocks.size(); ++i) {
    const ConvBlock& b = arch.blocks[i];
    for (int j = 0; j < b.convs; ++j) {
      const std::string name = fmt::format("block{}.conv{}", i, j);
      walk.Conv(name, b.filters, b.kernel_size, 1, 1, !b.batch_norm);
      if (b.batch_norm) walk.BatchNorm(name + ".bn");
      walk.Activation(name + ".act", ActivationName(b.activation));
    }
    const std::string pool = fmt::format("block{}.pool", i);
    if (b.pool == PoolKind::kMax) walk.MaxPool(pool, 2, 2, false);
    if (b.pool == PoolKind::kAvg) walk.AvgPool(pool, 2, 2, false);
    if (b.dropout > 0) walk.Dropout(fmt::format("block{}.dropout", i));
  }
  walk.Flatten("flatten");
  for (std::size_t i = 0; i < arch.dense.size(); ++i) {
    const std::string name = fmt::format("dense{}", i);
    walk.Dense(name, arch.dense[i].units);
    walk.Activation(name + ".act", ActivationName(arch.dense[i].activation));
    if (arch.dense[i].dropout > 0) walk.Dropout(name + ".dropout");
  }
  walk.Dense("classifier", arch.classes);

  CostReport r;
  r.layers = walk.Take();
  for (const LayerSpec& l : r.layers) {
    r.flops += l.flops;
    r.macs += l.macs;
    r.params += l.params;
    r.peak_activation_bytes =
        std::max(r.peak_activation_bytes, 4 * (l.InputElements() + l.OutputElements()));
    if (l.op == LayerOp::kConv2d || l.op == LayerOp::kDense) {
      const std::int64_t bias = l.bias ? l.out_channels : 0;
      r.model_size_int8_bytes += (l.params - bias) + 4 * bias + 4;
    } else {
      r.model_size_int8_bytes += 4 * l.params;
    }
  }
  r.model_size_fp32_bytes = 4 * r.params;
  return r;
}

std::vector<std::string> ArchWarnings(const Arch& arch, std::int64_t train_images) {
  const CostReport cost = AnalyzeCost(arch);
  std::vector<std::string> warnings;
  for (const LayerSpec& l : cost.layers) {
    if (l.op != LayerOp::kConv2d || (l.kernel <= l.in_h && l.kernel <= l.in_w)) continue;
    warnings.push_back(fmt::format(
        "{}: its {}x{} kernel is larger than its {}x{} input (same padding: most of every "
        "product reads zeros, for {:.1f} MFLOPs); use a smaller kernel_size or pool less before "
        "it",
        l.name, l.kernel, l.kernel, l.in_h, l.in_w, l.flops / 1e6));
  }
  if (cost.flops > kLargeNetworkFlops) {
    // Training costs about 3x the forward pass (forward, and backward for inputs and weights).
    const std::string epoch =
        train_images > 0
            ? fmt::format("; one training epoch of {} images is ~{:.1f} TFLOPs", train_images,
                          3 * cost.flops * static_cast<double>(train_images) / 1e12)
            : "";
    warnings.push_back(fmt::format(
        "the network needs {:.2f} GFLOPs per image forward ({:.0f}x the default network's 38 "
        "MFLOPs){}: expect it to train at ~20 images/s or slower on a CPU core",
        cost.flops / 1e9, cost.flops / 38.26e6, epoch));
  }
  return warnings;
}

std::map<std::string, double> CostMetrics(const CostReport& r) {
  return {{"flops", r.flops},
          {"macs", r.macs},
          {"params", static_cast<double>(r.params)},
          {"peak_memory_bytes", static_cast<double>(r.peak_activation_bytes)},
          {"model_size_bytes", static_cast<double>(r.model_size_fp32_bytes)},
          {"model_size_int8_bytes", static_cast<double>(r.model_size_int8_bytes)}};
}

std::string FormatCostReport(const CostReport& r) {
  std::string out = fmt::format("{:<22} {:<11} {:>14} {:>14} {:>14} {:>10}\n", "layer", "op",
                                "in (CxHxW)", "out (CxHxW)", "FLOPs", "params");
  for (const LayerSpec& l : r.layers) {
    out +=
        fmt::format("{:<22} {:<11} {:>14} {:>14} {:>14.0f} {:>10}\n", l.name, LayerOpName(l.op),
                    fmt::format("{}x{}x{}", l.in_channels, l.in_h, l.in_w),
                    fmt::format("{}x{}x{}", l.out_channels, l.out_h, l.out_w), l.flops, l.params);
  }
  out += fmt::format(
      "\nFLOPs                 {:.0f} ({:.2f} M)\nMACs                  {:.0f} ({:.2f} M)\n"
      "params                {} ({:.3f} M)\npeak activation mem   {} bytes (batch 1, fp32)\n"
      "model size fp32       {} bytes\nmodel size int8       {} bytes\n",
      r.flops, r.flops / 1e6, r.macs, r.macs / 1e6, r.params, r.params / 1e6,
      r.peak_activation_bytes, r.model_size_fp32_bytes, r.model_size_int8_bytes);
  return out;
}

}  // namespace symnas::nn
