// Cost analytics of an Arch without training: the per-layer LayerList (shapes, MACs, FLOPs,
// params) and totals (FLOPs, MACs, params, peak activation memory, model size fp32/int8).
//
// FLOPs convention (docs/nn.md): FLOPs = 2 x multiply-accumulates + bias adds, counted for conv
// and dense layers only (seed 002, eqs. 3-4), i.e.
//   conv : 2*H*W*C_in*K^2*C_out + H*W*C_out   (H, W = output size; bias term only with bias)
//   dense: 2*I*O + O
// Seed 002 eq. 3 writes 2HW(C_in K^2 + 1)C_out, counting each bias add twice; its dense eq. 4
// prints 2(I-1)O, a typo for (2I-1)O (no bias) -- we use 2IO + O. Pooling, activations, batch
// norm (foldable into the conv at inference) and dropout count 0 FLOPs and 0 MACs.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "symnas/common/layer_spec.hpp"
#include "symnas/nn/arch.hpp"

namespace symnas::nn {

/// Costs of one network at batch 1 (fp32 activations).
struct CostReport {
  LayerList layers;  ///< execution order; every layer's macs/flops/params filled
  double flops = 0;
  double macs = 0;
  std::int64_t params = 0;  ///< trainable parameters (equals libtorch's count of the module)
  /// Liveness model: a chain network; while a layer runs its input and output buffers are live
  /// and nothing else (every layer writes a fresh output). Peak = max over layers of
  /// (input + output elements) x 4 bytes. Weights are not included.
  std::int64_t peak_activation_bytes = 0;
  std::int64_t model_size_fp32_bytes = 0;  ///< 4 bytes per parameter
  /// int8 weights: 1 byte per weight, biases and batch-norm parameters kept as 4-byte values,
  /// plus a 4-byte fp32 scale per weight tensor (per-tensor symmetric quantisation).
  std::int64_t model_size_int8_bytes = 0;
};

/// Computes the layer list and totals. Throws ArchError for an invalid arch.
CostReport AnalyzeCost(const Arch& arch);

/// The metrics map the search stores: flops, macs, params, peak_memory_bytes,
/// model_size_bytes (fp32), model_size_int8_bytes.
std::map<std::string, double> CostMetrics(const CostReport& report);

/// Forward FLOPs per image above which ArchWarnings warns that training will be slow: 13x the
/// default network's 38 MFLOPs (examples/arch/default.json), which trains at ~300 images/s on
/// one core (docs/nn.md, "Warnings"); this one would train at ~20 images/s or less.
inline constexpr double kLargeNetworkFlops = 500e6;

/// Warnings about a valid network that will train slowly or wastefully, one readable sentence
/// each: a convolution whose kernel is larger than its input (same padding: most of every
/// product reads zeros), and forward FLOPs above kLargeNetworkFlops (with the training work of
/// one epoch of `train_images` when > 0). Empty for an ordinary network.
std::vector<std::string> ArchWarnings(const Arch& arch, std::int64_t train_images);

/// A readable table of the layers and the totals (for `symnas cost`).
std::string FormatCostReport(const CostReport& report);

}  // namespace symnas::nn
