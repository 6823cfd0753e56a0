// Cost analytics against hand-computed FLOPs/MACs/params/peak memory for three networks
// (the arithmetic is written out in the comments; convention in cost.hpp).
#include "symnas/nn/cost.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>

namespace symnas::nn {
namespace {

// 1x28x28 -> conv 8 (3x3, bias) -> relu -> maxpool -> classifier 10.
Arch TinyNet() {
  Arch a;
  ConvBlock b;
  b.filters = 8;
  b.convs = 1;
  b.dropout = 0;
  a.blocks = {b};
  return a;
}

TEST(Cost, TinyNetHandComputed) {
  const CostReport r = AnalyzeCost(TinyNet());
  // conv: MACs 28*28*1*9*8 = 56448; FLOPs 2*56448 + 784*8 (bias) = 119168; params 9*8+8 = 80.
  // classifier: input 8*14*14 = 1568; MACs 15680; FLOPs 31360 + 10 = 31370; params 15690.
  EXPECT_DOUBLE_EQ(r.macs, 56448 + 15680);
  EXPECT_DOUBLE_EQ(r.flops, 119168 + 31370);
  EXPECT_EQ(r.params, 80 + 15690);
  // Peak: the relu reads and writes 8x28x28 = 6272 elements each: (6272 + 6272) * 4 bytes.
  EXPECT_EQ(r.peak_activation_bytes, 50176);
  EXPECT_EQ(r.model_size_fp32_bytes, 4 * 15770);
  // int8: conv 72 weights + 8 biases*4 + scale 4 = 108; dense 15680 + 40 + 4 = 15724.
  EXPECT_EQ(r.model_size_int8_bytes, 108 + 15724);
  ASSERT_EQ(r.layers.size(), 5u);  // conv, act, pool, flatten, classifier
  EXPECT_EQ(r.layers[0].op, LayerOp::kConv2d);
  EXPECT_EQ(r.layers[2].op, LayerOp::kMaxPool);
  EXPECT_EQ(r.layers[2].out_h, 14);
  EXPECT_EQ(r.layers[3].out_channels, 1568);
  EXPECT_DOUBLE_EQ(r.layers[4].flops, 31370);
}

TEST(Cost, BatchNormNetHandComputed) {
  // 3x32x32 -> [conv 16 5x5 no bias, bn, relu] x2 -> avgpool -> dropout -> dense 32 -> 10.
  Arch a;
  a.input = {3, 32, 32};
  ConvBlock b;
  b.filters = 16;
  b.kernel_size = 5;
  b.batch_norm = true;
  b.pool = PoolKind::kAvg;
  b.dropout = 0.1;
  a.blocks = {b};
  DenseLayer d;
  d.units = 32;
  a.dense = {d};
  const CostReport r = AnalyzeCost(a);
  // conv0: MACs 32*32*3*25*16 = 1228800, no bias -> FLOPs 2457600, params 1200; bn 32.
  // conv1: MACs 1024*16*25*16 = 6553600 -> FLOPs 13107200, params 6400; bn 32.
  // dense: 16*16*16 = 4096 inputs: MACs 131072, FLOPs 262176, params 131104.
  // classifier: MACs 320, FLOPs 650, params 330.
  EXPECT_DOUBLE_EQ(r.macs, 1228800 + 6553600 + 131072 + 320);
  EXPECT_DOUBLE_EQ(r.flops, 2457600 + 13107200 + 262176 + 650);
  EXPECT_EQ(r.params, 1200 + 32 + 6400 + 32 + 131104 + 330);
  // Peak: conv1 reads and writes 16x32x32 = 16384 elements: 32768 * 4.
  EXPECT_EQ(r.peak_activation_bytes, 131072);
  EXPECT_FALSE(r.layers[0].bias);
  EXPECT_EQ(r.layers[1].op, LayerOp::kBatchNorm);
}

TEST(Cost, DefaultSeed000NetworkHandComputed) {
  const CostReport r = AnalyzeCost(DefaultArch());
  // b0c0 225792 MACs, b0c1 7225344, b1c0 (14x14, 32->64) 3612672, b1c1 7225344,
  // dense 3136*256 = 802816, classifier 2560.
  EXPECT_DOUBLE_EQ(r.macs, 19094528);
  // FLOPs = 2*MACs + bias adds: 784*32*2 + 196*64*2 + 256 + 10 = 75530.
  EXPECT_DOUBLE_EQ(r.flops, 2 * 19094528.0 + 75530);
  EXPECT_EQ(r.params, 320 + 9248 + 18496 + 36928 + 803072 + 2570);
  EXPECT_EQ(r.peak_activation_bytes, (25088 + 25088) * 4);
  const auto m = CostMetrics(r);
  EXPECT_DOUBLE_EQ(m.at("params"), 870634);
  EXPECT_DOUBLE_EQ(m.at("model_size_bytes"), 4 * 870634.0);
  EXPECT_EQ(m.count("peak_memory_bytes"), 1u);
}

TEST(Cost, SeedTwoConvFormulaDiffersOnlyByOneBiasAddPerOutput) {
  // Seed 002 eq. 3: 2HW(C_in K^2 + 1)C_out counts each bias add twice; ours counts it once.
  const CostReport r = AnalyzeCost(TinyNet());
  const double seed002 = 2.0 * 28 * 28 * (1 * 9 + 1) * 8;
  EXPECT_DOUBLE_EQ(seed002 - r.layers[0].flops, 28 * 28 * 8);
}

TEST(Cost, LayerTotalsAreSumsAndShapesChain) {
  const CostReport r = AnalyzeCost(DefaultArch());
  double flops = 0;
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    flops += r.layers[i].flops;
    if (i > 0) {
      EXPECT_EQ(r.layers[i].InputElements(), r.layers[i - 1].OutputElements());
    }
  }
  EXPECT_DOUBLE_EQ(flops, r.flops);
  EXPECT_EQ(r.layers.back().out_channels, 10);
}

// Warnings: an ordinary network has none; a 5x5 kernel on the 3x3 map left by three poolings
// of 28x28 (28 -> 14 -> 7 -> 3) is named; 2 convs of 512 filters on 28x28 are
// 2 * (28*28*1*9*512 + 28*28*512*9*512) MACs = 3.71 G MACs, 7.4 GFLOPs, over the threshold.
TEST(Cost, WarningsNameAKernelLargerThanItsInputAndAHugeNetwork) {
  EXPECT_TRUE(ArchWarnings(TinyNet(), 1000).empty());
  Arch small_map = TinyNet();
  small_map.blocks.assign(4, small_map.blocks[0]);
  small_map.blocks[3].kernel_size = 5;
  const std::vector<std::string> w = ArchWarnings(small_map, 1000);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("block3.conv0"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("5x5 kernel is larger than its 3x3 input"), std::string::npos) << w[0];
  small_map.blocks[3].kernel_size = 3;  // 3x3 on 3x3: not larger, no warning
  EXPECT_TRUE(ArchWarnings(small_map, 1000).empty());

  Arch huge = TinyNet();
  huge.blocks[0].filters = 512;
  huge.blocks[0].convs = 2;
  const CostReport cost = AnalyzeCost(huge);
  ASSERT_GT(cost.flops, kLargeNetworkFlops);
  const std::vector<std::string> h = ArchWarnings(huge, 55000);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_NE(h[0].find(fmt::format("{:.2f} GFLOPs per image", cost.flops / 1e9)), std::string::npos)
      << h[0];
  EXPECT_NE(h[0].find("epoch of 55000 images"), std::string::npos) << h[0];
  EXPECT_EQ(ArchWarnings(huge, 0)[0].find("epoch"), std::string::npos);  // no data, no epoch
}

}  // namespace
}  // namespace symnas::nn
