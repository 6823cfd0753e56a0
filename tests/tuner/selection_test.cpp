// Action selection: sampling frequencies match the probabilities (seeded), argmax groups per
// problem by decreasing probability, groups most probable first.
#include <gtest/gtest.h>

#include "symnas/tuner/reasoner.hpp"

namespace symnas::tuner {
namespace {

const std::vector<ProposedAction> kActions = {
    {"r0", "reg_l2", "overfitting", 0.9},
    {"r1", "inc_dropout", "overfitting", 0.4},
    {"r2", "data_augmentation", "overfitting", 0.5},
    {"r3", "dec_layers", "thr_exceeded(flops)", 0.7},
    {"r4", "dec_neurons", "thr_exceeded(flops)", 0.95},
};

TEST(Selection, SampleFrequenciesMatchProbabilities) {
  std::mt19937_64 rng(42);
  std::vector<int> counts(kActions.size(), 0);
  constexpr int kDraws = 20000;
  for (int draw = 0; draw < kDraws; ++draw) {
    for (const auto& group : SelectActions(kActions, Selection::kSample, rng)) {
      ASSERT_EQ(group.size(), 1u);
      ++counts[group[0]];
    }
  }
  for (std::size_t i = 0; i < kActions.size(); ++i) {
    // Binomial standard deviation at p = 0.5 is 0.0035: 0.015 is over 4 sigma.
    EXPECT_NEAR(counts[i] / static_cast<double>(kDraws), kActions[i].probability, 0.015)
        << kActions[i].action;
  }
}

TEST(Selection, SampleIsReproducibleWithTheSeed) {
  std::mt19937_64 a(7), b(7), c(8);
  std::vector<std::vector<std::vector<std::size_t>>> run_a, run_b, run_c;
  for (int i = 0; i < 20; ++i) {
    run_a.push_back(SelectActions(kActions, Selection::kSample, a));
    run_b.push_back(SelectActions(kActions, Selection::kSample, b));
    run_c.push_back(SelectActions(kActions, Selection::kSample, c));
  }
  EXPECT_EQ(run_a, run_b);
  EXPECT_NE(run_a, run_c);
}

TEST(Selection, ArgmaxGroupsPerProblemMostProbableFirst) {
  std::mt19937_64 rng(1);
  const auto groups = SelectActions(kActions, Selection::kArgmax, rng);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], (std::vector<std::size_t>{4, 3}));     // thr_exceeded: 0.95 before 0.7
  EXPECT_EQ(groups[1], (std::vector<std::size_t>{0, 2, 1}));  // overfitting: 0.9, 0.5, 0.4
  EXPECT_TRUE(SelectActions({}, Selection::kArgmax, rng).empty());
}

TEST(Selection, NamesRoundTripAndUnknownIsAnError) {
  EXPECT_EQ(SelectionFromName("sample"), Selection::kSample);
  EXPECT_EQ(SelectionFromName(SelectionName(Selection::kArgmax)), Selection::kArgmax);
  EXPECT_THROW(SelectionFromName("greedy"), ConfigError);
}

}  // namespace
}  // namespace symnas::tuner
