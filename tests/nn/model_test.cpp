// Tests of the libtorch module: parameter count equals the cost analytics' count for many
// architectures, output shapes, every optimiser reduces the loss, latency measurement.
#include "symnas/nn/model.hpp"

#include <gtest/gtest.h>

#include <random>

#include "symnas/common/error.hpp"
#include "symnas/nn/cost.hpp"
#include "symnas/nn/latency.hpp"
#include "test_data.hpp"

namespace symnas::nn {
namespace {

TEST(Module, ParameterCountMatchesCostAnalyticsForRandomArchitectures) {
  std::mt19937 rng(3);
  const char* activations[] = {"relu", "elu", "selu", "swish"};
  const char* pools[] = {"max", "avg", "none"};
  for (int trial = 0; trial < 25; ++trial) {
    const search::Params p = {{"conv_blocks", std::int64_t(rng() % 4)},
                              {"convs_per_block", std::int64_t(1 + rng() % 3)},
                              {"filters_0", std::int64_t(1 + rng() % 40)},
                              {"filters_1", std::int64_t(1 + rng() % 40)},
                              {"filters_2", std::int64_t(1 + rng() % 40)},
                              {"kernel_size", std::int64_t(1 + 2 * (rng() % 3))},
                              {"activation", std::string(activations[rng() % 4])},
                              {"batch_norm", std::int64_t(rng() % 2)},
                              {"pool", std::string(pools[rng() % 3])},
                              {"dense_layers", std::int64_t(rng() % 3)},
                              {"units_0", std::int64_t(1 + rng() % 100)},
                              {"units_1", std::int64_t(1 + rng() % 100)}};
    const InputShape input = trial % 2 ? InputShape{3, 32, 32} : InputShape{1, 28, 28};
    const Arch arch = ArchFromParams(p, input, 10);
    auto module = BuildModule(arch);
    const CostReport cost = AnalyzeCost(arch);
    EXPECT_EQ(CountParameters(*module), cost.params) << ArchToJson(arch).dump();
    torch::NoGradGuard no_grad;
    module->eval();
    auto y = module->forward(torch::randn({2, input.channels, input.height, input.width}));
    EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{2, 10}));
  }
}

TEST(Module, ChannelsLastGivesTheSameOutputs) {
  torch::manual_seed(0);
  auto module = BuildModule(DefaultArch());
  module->eval();
  torch::NoGradGuard no_grad;
  auto x = torch::randn({3, 1, 28, 28});
  auto before = module->forward(x);
  UseChannelsLast(*module);
  auto after = module->forward(ToModelLayout(x));
  EXPECT_TRUE(torch::allclose(before, after, 1e-4, 1e-5));
}

TEST(Module, ChannelsLastReachesTheFirstBlockOfAGreyScaleNetwork) {
  // A [f, 1, k, k] weight already counts as channels-last contiguous with its NCHW strides;
  // kept that way, it made the first convolution (and its block) run in NCHW.
  auto module = BuildModule(DefaultArch());
  ASSERT_EQ(DefaultArch().input.channels, 1);
  UseChannelsLast(*module);
  for (const auto& p : module->parameters()) {
    if (p.dim() == 4) {
      EXPECT_EQ(p.stride(1), 1) << p.sizes();
    }
  }
  torch::NoGradGuard no_grad;
  auto first_conv = (*module)[0]->as<torch::nn::Conv2dImpl>();
  ASSERT_NE(first_conv, nullptr);
  auto out = first_conv->forward(ToModelLayout(torch::randn({2, 1, 28, 28})));
  ASSERT_GT(out.size(1), 1);
  EXPECT_EQ(out.stride(1), 1);  // channels are the innermost dimension
}

TEST(Optimizers, EveryOptimiserReducesTheLossOnATinyProblem) {
  for (OptimizerKind kind :
       {OptimizerKind::kAdam, OptimizerKind::kAdamax, OptimizerKind::kAdagrad,
        OptimizerKind::kAdadelta, OptimizerKind::kRmsprop, OptimizerKind::kSgd}) {
    torch::manual_seed(0);
    Arch arch = testing::TinyArch();
    arch.train.optimizer = kind;
    arch.train.learning_rate = kind == OptimizerKind::kAdadelta ? 1.0 : 1e-2;
    arch.train.weight_decay = 1e-4;
    auto module = BuildModule(arch);
    auto optimizer = MakeOptimizer(arch.train, module->parameters());
    const DataSplits data = testing::TinySplits(64, 8);
    auto loss_now = [&] {
      return torch::nn::functional::cross_entropy(module->forward(data.train.images),
                                                  data.train.labels);
    };
    const double first = loss_now().item<double>();
    for (int i = 0; i < 30; ++i) {
      optimizer->zero_grad();
      loss_now().backward();
      optimizer->step();
    }
    EXPECT_LT(loss_now().item<double>(), 0.8 * first) << OptimizerName(kind);
  }
}

TEST(Optimizers, LearningRateCanBeChanged) {
  Arch arch = testing::TinyArch();
  for (OptimizerKind kind : {OptimizerKind::kAdamax, OptimizerKind::kAdam}) {
    arch.train.optimizer = kind;
    auto module = BuildModule(arch);
    auto optimizer = MakeOptimizer(arch.train, module->parameters());
    SetLearningRate(*optimizer, 0.125);
    EXPECT_DOUBLE_EQ(optimizer->param_groups()[0].options().get_lr(), 0.125);
  }
}

TEST(Latency, MedianLiesInsideTheSpreadAndThreadsAreRecorded) {
  LatencyOptions o;
  o.runs = 7;
  o.warmup = 2;
  o.threads = 1;
  const LatencyReport r = MeasureLatency(testing::TinyArch(), o);
  EXPECT_GT(r.min_ms, 0);
  EXPECT_LE(r.min_ms, r.p10_ms);
  EXPECT_LE(r.p10_ms, r.median_ms);
  EXPECT_LE(r.median_ms, r.p90_ms);
  EXPECT_LE(r.p90_ms, r.max_ms);
  EXPECT_EQ(r.runs, 7);
  EXPECT_EQ(r.threads, 1);
  o.runs = 0;
  EXPECT_THROW(MeasureLatency(testing::TinyArch(), o), ConfigError);
}

}  // namespace
}  // namespace symnas::nn
