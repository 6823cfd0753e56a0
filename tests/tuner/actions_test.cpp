// Every tuning action: its exact effect on the seed-000 space, its limits, and that the space
// stays valid (a conformance loop over the whole table).
#include "symnas/tuner/actions.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "symnas/common/error.hpp"

namespace symnas::tuner {
namespace {

using search::AsDouble;
using search::AsInt;
using search::SearchSpace;

/// Applies action `name` to `space` (as the driver would) and returns the outcome.
ActionOutcome Apply(SearchSpace& space, const std::string& name, const search::Params& trial = {},
                    std::function<bool(const search::Params&)> buildable = nullptr) {
  const ActionContext context{space, trial, {"", 7, ""}, std::move(buildable)};
  ActionOutcome outcome = ApplyAction(name, context);
  for (const auto& edit : outcome.edits) space.Apply(edit);
  return outcome;
}

void ExpectBounds(const SearchSpace& space, const std::string& name, double low, double high) {
  const auto& dim = space.At(name);
  EXPECT_NEAR(dim.low, low, 1e-12 * std::max(1.0, low)) << name;
  EXPECT_NEAR(dim.high, high, 1e-12 * std::max(1.0, high)) << name;
}

std::int64_t Pinned(const SearchSpace& space, const std::string& name) {
  EXPECT_TRUE(space.At(name).fixed) << name;
  return AsInt(space.At(name).default_value);
}

TEST(Actions, RegL2AddsWeightDecayAndBatchNormOnce) {
  SearchSpace space = search::Seed000Space();
  const auto outcome = Apply(space, "reg_l2");
  ASSERT_EQ(outcome.edits.size(), 2u);
  EXPECT_EQ(outcome.edits[0].reason.action, "reg_l2");
  EXPECT_EQ(outcome.edits[0].reason.trial_id, 7);
  const auto& decay = space.At("weight_decay");
  EXPECT_EQ(decay.scale, search::Scale::kLog);
  ExpectBounds(space, "weight_decay", 1e-6, 0.1);
  EXPECT_DOUBLE_EQ(AsDouble(*decay.past_value), 1e-6);
  EXPECT_EQ(Pinned(space, "batch_norm"), 1);
  EXPECT_FALSE(Apply(space, "reg_l2").Applied());
}

TEST(Actions, DataAugmentationTurnsAugmentOn) {
  SearchSpace space = search::Seed000Space();
  EXPECT_TRUE(Apply(space, "data_augmentation").Applied());
  EXPECT_EQ(Pinned(space, "augment"), 1);
  EXPECT_FALSE(Apply(space, "data_augmentation").Applied());
}

TEST(Actions, IncDropoutRaisesLowerBoundsUntilTheTop) {
  SearchSpace space = search::Seed000Space();
  EXPECT_EQ(Apply(space, "inc_dropout").edits.size(), 2u);
  ExpectBounds(space, "conv_dropout", 0.1, 0.5);
  ExpectBounds(space, "dense_dropout", 0.1, 0.5);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(Apply(space, "inc_dropout").Applied());
  ExpectBounds(space, "conv_dropout", 0.5, 0.5);
  EXPECT_FALSE(Apply(space, "inc_dropout").Applied());
}

TEST(Actions, LearningRateMovesByHalfADecade) {
  SearchSpace space = search::Seed000Space();
  const double f = std::sqrt(10.0);
  EXPECT_TRUE(Apply(space, "decr_lr").Applied());
  ExpectBounds(space, "learning_rate", 1e-4 / f, 1e-3 / f);
  EXPECT_TRUE(Apply(space, "inc_lr").Applied());
  EXPECT_TRUE(Apply(space, "inc_lr").Applied());
  ExpectBounds(space, "learning_rate", 1e-4 * f, 1e-3 * f);
}

TEST(Actions, IncLrStopsAtTheCap) {
  SearchSpace space = search::Seed000Space();
  int steps = 0;
  while (steps < 20 && Apply(space, "inc_lr").Applied()) ++steps;
  EXPECT_GE(steps, 4);  // 1e-4 * sqrt(10)^4 = 1e-2 (rounding may need one more step)
  EXPECT_LE(steps, 5);
  EXPECT_DOUBLE_EQ(space.At("learning_rate").high, 0.01);
  EXPECT_NEAR(space.At("learning_rate").low, 0.01, 1e-9);
}

TEST(Actions, NeuronsScaleFiltersAndUnits) {
  SearchSpace space = search::Seed000Space();
  EXPECT_EQ(Apply(space, "inc_neurons").edits.size(), 3u);
  ExpectBounds(space, "filters_0", 20, 80);
  ExpectBounds(space, "filters_1", 80, 160);
  ExpectBounds(space, "units_0", 320, 640);
  space = search::Seed000Space();
  EXPECT_TRUE(Apply(space, "dec_neurons").Applied());
  ExpectBounds(space, "filters_0", 12, 51);   // 16/1.25 = 12.8, 64/1.25 = 51.2, rounded down
  ExpectBounds(space, "filters_1", 51, 102);  // 102.4
  ExpectBounds(space, "units_0", 204, 409);   // 204.8, 409.6
}

TEST(Actions, DecNeuronsNeverGoesBelowOne) {
  SearchSpace space = search::Seed000Space();
  for (int i = 0; i < 40; ++i) Apply(space, "dec_neurons");
  ExpectBounds(space, "filters_0", 1, 1);
  EXPECT_FALSE(Apply(space, "dec_neurons").Applied());
}

TEST(Actions, IncBatchSizeDoublesTheLowerBound) {
  SearchSpace space = search::Seed000Space();
  EXPECT_TRUE(Apply(space, "inc_batch_size").Applied());
  ExpectBounds(space, "batch_size", 32, 256);
  for (int i = 0; i < 3; ++i) Apply(space, "inc_batch_size");
  ExpectBounds(space, "batch_size", 256, 256);
  EXPECT_FALSE(Apply(space, "inc_batch_size").Applied());
}

TEST(Actions, NewFcLayerUpToThree) {
  SearchSpace space = search::Seed000Space();
  EXPECT_TRUE(Apply(space, "new_fc_layer").Applied());
  EXPECT_EQ(Pinned(space, "dense_layers"), 2);
  ExpectBounds(space, "units_1", 256, 512);  // the previous layer's range
  EXPECT_EQ(AsInt(*space.At("units_1").past_value), 256);
  EXPECT_TRUE(Apply(space, "new_fc_layer").Applied());
  EXPECT_TRUE(space.Has("units_2"));
  const auto outcome = Apply(space, "new_fc_layer");
  EXPECT_FALSE(outcome.Applied());
  EXPECT_NE(outcome.note.find("max 3"), std::string::npos);
}

TEST(Actions, NewConvLayerUpToSixAndOnlyIfBuildable) {
  SearchSpace space = search::Seed000Space();
  EXPECT_TRUE(Apply(space, "new_conv_layer").Applied());
  EXPECT_EQ(Pinned(space, "conv_blocks"), 3);
  ExpectBounds(space, "filters_2", 64, 128);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Apply(space, "new_conv_layer").Applied());
  EXPECT_EQ(Pinned(space, "conv_blocks"), 6);
  EXPECT_FALSE(Apply(space, "new_conv_layer").Applied());
  // A 28x28 input allows four pooled blocks: the fifth is refused.
  space = search::Seed000Space();
  const auto four_blocks = [](const search::Params& p) { return AsInt(p.at("conv_blocks")) <= 4; };
  const auto trial = space.Defaults();
  EXPECT_TRUE(Apply(space, "new_conv_layer", trial, four_blocks).Applied());
  EXPECT_TRUE(Apply(space, "new_conv_layer", trial, four_blocks).Applied());
  EXPECT_FALSE(Apply(space, "new_conv_layer", trial, four_blocks).Applied());
  EXPECT_EQ(Pinned(space, "conv_blocks"), 4);
}

TEST(Actions, DecLayersRemovesTheLastBlockThenConvolutions) {
  SearchSpace space = search::Seed000Space();
  const auto outcome = Apply(space, "dec_layers");
  ASSERT_EQ(outcome.edits.size(), 2u);
  EXPECT_EQ(Pinned(space, "conv_blocks"), 1);
  EXPECT_FALSE(space.Has("filters_1"));
  EXPECT_TRUE(Apply(space, "dec_layers").Applied());
  EXPECT_EQ(Pinned(space, "conv_blocks"), 1);
  EXPECT_EQ(Pinned(space, "convs_per_block"), 1);
  EXPECT_FALSE(Apply(space, "dec_layers").Applied());     // never below one convolution
  EXPECT_TRUE(Apply(space, "new_conv_layer").Applied());  // and back: filters_1 returns
  EXPECT_TRUE(space.Has("filters_1"));
}

TEST(Actions, DecConvsPerBlock) {
  SearchSpace space = search::Seed000Space();
  EXPECT_TRUE(Apply(space, "dec_convs_per_block").Applied());
  EXPECT_EQ(Pinned(space, "convs_per_block"), 1);
  EXPECT_FALSE(Apply(space, "dec_convs_per_block").Applied());
}

TEST(Actions, DecWidestLayerCapsTheWidestBlock) {
  SearchSpace space = search::Seed000Space();
  search::Params trial = space.Defaults();
  trial["filters_0"] = std::int64_t{60};
  trial["filters_1"] = std::int64_t{100};
  EXPECT_TRUE(Apply(space, "dec_widest_layer", trial).Applied());
  ExpectBounds(space, "filters_1", 64, 64);  // half of 100 is below the lower bound 64
  ExpectBounds(space, "filters_0", 16, 64);
  trial["filters_1"] = std::int64_t{64};
  EXPECT_TRUE(Apply(space, "dec_widest_layer", trial).Applied());  // now filters_0 is widest
  ExpectBounds(space, "filters_0", 16, 30);
}

TEST(Actions, StructuralValuesDefaultToTheTemplate) {
  SearchSpace space({search::Dimension::Int("filters_0", 8, 16, 8)});
  EXPECT_EQ(StructuralValue(space, "conv_blocks"), 2);
  EXPECT_TRUE(Apply(space, "dec_layers").Applied());
  EXPECT_EQ(Pinned(space, "conv_blocks"), 1);
  EXPECT_EQ(AsInt(*space.At("conv_blocks").past_value), 2);
}

TEST(Actions, UnknownActionListsTheTable) {
  SearchSpace space = search::Seed000Space();
  try {
    Apply(space, "prune");
    FAIL() << "expected UnknownNameError";
  } catch (const UnknownNameError& error) {
    EXPECT_NE(error.message().find("reg_l2, data_augmentation"), std::string::npos);
  }
}

TEST(Actions, EveryActionKeepsTheSpaceValidUntilItStops) {
  for (const auto& entry : TuningActions()) {
    SearchSpace space = search::Seed000Space();
    std::mt19937_64 rng(3);
    int applied = 0;
    for (int i = 0; i < 50; ++i) {
      const auto trial = space.Sample(rng);
      if (!Apply(space, entry.name, trial).Applied()) break;
      ++applied;
      EXPECT_TRUE(space.Contains(space.Project(trial))) << entry.name;
      for (int k = 0; k < 5; ++k) EXPECT_TRUE(space.Contains(space.Sample(rng))) << entry.name;
    }
    EXPECT_GE(applied, 1) << entry.name << " never applies to the seed-000 space";
    EXPECT_LT(applied, 50) << entry.name << " never reaches a limit";
    EXPECT_FALSE(std::string(entry.description).empty());
  }
}

TEST(Actions, EveryParameterIsANumberInItsRange) {
  for (const auto& entry : TuningActions()) {
    const nlohmann::json values = ResolveOptions({"action", entry.name, ""}, entry.params, nullptr);
    EXPECT_EQ(ResolveOptions({"action", entry.name, ""}, entry.params, values), values)
        << entry.name;
    for (const auto& param : entry.params) {
      EXPECT_TRUE(param.low && param.high) << entry.name << "." << param.name;
      EXPECT_EQ(entry.Param(param.name), values[param.name].get<double>());
    }
  }
}

}  // namespace
}  // namespace symnas::tuner
