// Tests of ArchFromParams against the canonical table of docs/nn.md.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "symnas/common/error.hpp"
#include "symnas/nn/arch.hpp"

namespace symnas::nn {
namespace {

using search::Params;
using ::testing::HasSubstr;

TEST(ArchFromParams, EmptyParamsGiveTheTemplateDefaults) {
  const Arch a = ArchFromParams({});
  EXPECT_EQ(ArchToJson(a), ArchToJson(DefaultArch()));
  ASSERT_EQ(a.blocks.size(), 2u);
  EXPECT_EQ(a.blocks[0].filters, 32);
  EXPECT_EQ(a.blocks[1].filters, 64);
  EXPECT_EQ(a.blocks[0].convs, 2);
  EXPECT_DOUBLE_EQ(a.blocks[0].dropout, 0.25);
  ASSERT_EQ(a.dense.size(), 1u);
  EXPECT_EQ(a.dense[0].units, 256);
  EXPECT_DOUBLE_EQ(a.dense[0].dropout, 0.5);
  EXPECT_EQ(a.train.optimizer, OptimizerKind::kAdam);
  EXPECT_DOUBLE_EQ(a.train.learning_rate, 1e-3);
  EXPECT_EQ(a.train.batch_size, 64);
}

TEST(ArchFromParams, EveryCanonicalNameIsApplied) {
  const Params p = {{"conv_blocks", std::int64_t{3}},
                    {"convs_per_block", std::int64_t{1}},
                    {"filters_0", std::int64_t{16}},
                    {"filters_1", std::int64_t{100}},
                    {"kernel_size", std::int64_t{5}},
                    {"activation", std::string("selu")},
                    {"batch_norm", std::int64_t{1}},
                    {"pool", std::string("avg")},
                    {"conv_dropout", 0.1},
                    {"dense_layers", std::int64_t{2}},
                    {"units_0", std::int64_t{512}},
                    {"units_1", std::int64_t{64}},
                    {"dense_dropout", 0.0},
                    {"optimizer", std::string("adagrad")},
                    {"learning_rate", 2e-4},
                    {"batch_size", std::int64_t{128}},
                    {"weight_decay", 1e-3},
                    {"augment", std::int64_t{1}},
                    {"epochs", std::int64_t{7}}};
  const Arch a = ArchFromParams(p, {3, 32, 32}, 10);
  ASSERT_EQ(a.blocks.size(), 3u);
  EXPECT_EQ(a.blocks[0].filters, 16);
  EXPECT_EQ(a.blocks[1].filters, 100);
  EXPECT_EQ(a.blocks[2].filters, 128);  // default for i >= 2
  for (const ConvBlock& b : a.blocks) {
    EXPECT_EQ(b.convs, 1);
    EXPECT_EQ(b.kernel_size, 5);
    EXPECT_EQ(b.activation, Activation::kSelu);
    EXPECT_TRUE(b.batch_norm);
    EXPECT_EQ(b.pool, PoolKind::kAvg);
    EXPECT_DOUBLE_EQ(b.dropout, 0.1);
  }
  ASSERT_EQ(a.dense.size(), 2u);
  EXPECT_EQ(a.dense[0].units, 512);
  EXPECT_EQ(a.dense[1].units, 64);
  EXPECT_EQ(a.dense[1].activation, Activation::kSelu);
  EXPECT_DOUBLE_EQ(a.dense[0].dropout, 0.0);
  EXPECT_EQ(a.train.optimizer, OptimizerKind::kAdagrad);
  EXPECT_DOUBLE_EQ(a.train.learning_rate, 2e-4);
  EXPECT_EQ(a.train.batch_size, 128);
  EXPECT_DOUBLE_EQ(a.train.weight_decay, 1e-3);
  EXPECT_TRUE(a.train.augment);
  EXPECT_EQ(a.train.epochs, 7);
  EXPECT_EQ(a.input.channels, 3);
}

TEST(ArchFromParams, UnknownNameIsAConfigErrorNamingIt) {
  try {
    ArchFromParams({{"filter_0", std::int64_t{16}}});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.message(), HasSubstr("unknown CNN template parameter 'filter_0'"));
    EXPECT_THAT(e.message(), HasSubstr("conv_blocks"));
  }
  EXPECT_THROW(ArchFromParams({{"units_x", std::int64_t{1}}}), ConfigError);
  EXPECT_THROW(ArchFromParams({{"filters_", std::int64_t{1}}}), ConfigError);
}

TEST(ArchFromParams, WrongKindsAndValuesAreErrors) {
  EXPECT_THROW(ArchFromParams({{"filters_0", std::string("big")}}), ConfigError);
  EXPECT_THROW(ArchFromParams({{"batch_norm", std::int64_t{2}}}), ConfigError);
  EXPECT_THROW(ArchFromParams({{"activation", std::string("tanh")}}), ArchError);
  EXPECT_THROW(ArchFromParams({{"filters_1", std::int64_t{0}}}), ArchError);
  // 28 -> 14 -> 7 -> 3 -> 1: the fifth pooling would shrink the map below 1x1.
  EXPECT_NO_THROW(ArchFromParams({{"conv_blocks", std::int64_t{4}}}));
  EXPECT_THROW(ArchFromParams({{"conv_blocks", std::int64_t{5}}}), ArchError);
  EXPECT_NO_THROW(
      ArchFromParams({{"conv_blocks", std::int64_t{5}}, {"pool", std::string("none")}}));
}

TEST(ArchFromParams, ExtraIndexedNamesBeyondTheBlockCountAreIgnored) {
  // The tuner removes blocks without deleting filters_<i>; that must stay valid.
  const Arch a = ArchFromParams({{"conv_blocks", std::int64_t{1}},
                                 {"filters_3", std::int64_t{9}},
                                 {"dense_layers", std::int64_t{0}},
                                 {"units_0", std::int64_t{9}}});
  EXPECT_EQ(a.blocks.size(), 1u);
  EXPECT_TRUE(a.dense.empty());
}

TEST(ArchFromParams, RealValuedIntegersAreRounded) {
  const Arch a = ArchFromParams({{"filters_0", 47.6}, {"learning_rate", std::int64_t{1}}});
  EXPECT_EQ(a.blocks[0].filters, 48);
  EXPECT_DOUBLE_EQ(a.train.learning_rate, 1.0);
}

}  // namespace
}  // namespace symnas::nn
