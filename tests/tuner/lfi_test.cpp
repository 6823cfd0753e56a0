// Rule-weight learning: the improvement judgement, the LFI model and interpretations, and that
// learned weights move the right way on scripted outcomes (cross-checked with the closed form
// of EM for independent learnable facts: weight = helped / applied).
#include "symnas/tuner/lfi.hpp"

#include <gtest/gtest.h>

namespace symnas::tuner {
namespace {

search::ObjectiveValue Value(double score, bool feasible = true, double violation = 0.0) {
  search::ObjectiveValue value;
  value.score = score;
  value.feasible = feasible;
  value.violation = violation;
  return value;
}

TEST(Lfi, ImprovementIsJudgedOnTheObjective) {
  const auto complete = search::TrialStatus::kComplete;
  EXPECT_TRUE(Improved(Value(-0.5), Value(-0.4), complete));
  EXPECT_FALSE(Improved(Value(-0.4), Value(-0.5), complete));
  EXPECT_FALSE(Improved(Value(-0.4), Value(-0.4), complete));
  EXPECT_TRUE(Improved(Value(-0.1, false, 2.0), Value(-0.9, true), complete));  // now feasible
  EXPECT_FALSE(Improved(Value(-0.9, true), Value(-0.1, false, 0.5), complete));
  EXPECT_TRUE(Improved(Value(-0.1, false, 2.0), Value(-0.3, false, 1.0), complete));  // closer
  EXPECT_FALSE(Improved(Value(-0.5), Value(0.0), search::TrialStatus::kFailed));
}

TEST(Lfi, ModelHasOneLearnableFactPerLearnableRule) {
  RuleBase rules;
  rules.AddText(
      "t(0.4)::action(dec_neurons, thr_exceeded(flops)) :- problem(thr_exceeded(flops)).\n"
      "t(0.7)::action(dec_layers, thr_exceeded(flops)) :- problem(thr_exceeded(flops)).\n"
      "0.9::action(inc_lr, low_lr) :- problem(low_lr).\n",
      "r.pl");
  EXPECT_EQ(LfiModel(rules),
            "t(0.4)::action(dec_neurons,thr_exceeded(flops)).\n"
            "t(0.7)::action(dec_layers,thr_exceeded(flops)).\n");
}

TEST(Lfi, OneInterpretationPerStep) {
  const auto interpretations = Interpretations({{0, "a", true}, {0, "b", false}, {3, "a", false}});
  ASSERT_EQ(interpretations.size(), 2u);
  EXPECT_EQ(interpretations[0].size(), 2u);
  EXPECT_TRUE(interpretations[0].at("a"));
  EXPECT_FALSE(interpretations[1].at("a"));
}

TEST(Lfi, AnActionThatKeepsHelpingGainsWeight) {
  const RuleBase rules = RuleBase::ShippedSet("paper");
  const std::string helps = "action(dec_layers,thr_exceeded(flops))";
  const std::string fails = "action(dec_neurons,thr_exceeded(flops))";
  std::vector<RuleEvidence> evidence;
  double previous_helps = rules.InitialWeights().at(helps);
  double previous_fails = rules.InitialWeights().at(fails);
  // Scripted outcomes: dec_layers helps 4 times out of 5, dec_neurons never helps.
  const bool helped[] = {true, true, false, true, true};
  for (int step = 0; step < 5; ++step) {
    evidence.push_back({step, helps, helped[step]});
    evidence.push_back({step, fails, false});
    const auto weights = RelearnWeights(rules, evidence, /*prior_strength=*/0.0);
    if (helped[step]) {
      EXPECT_GE(weights.at(helps), previous_helps - 1e-6) << step;
    }
    EXPECT_LE(weights.at(fails), previous_fails + 1e-6) << step;
    previous_helps = weights.at(helps);
    previous_fails = weights.at(fails);
    // Rules without evidence keep their initial weight.
    EXPECT_DOUBLE_EQ(weights.at("action(reg_l2,overfitting)"), 0.99);
  }
  EXPECT_NEAR(previous_helps, 0.8, 1e-3);  // EM fixed point: 4 helped / 5 applied
  EXPECT_NEAR(previous_fails, 0.0, 1e-3);
  // With the default prior (2 pseudo applications at the initial weight):
  const auto smoothed = RelearnWeights(rules, evidence);
  EXPECT_NEAR(smoothed.at(helps), (4 + 2 * 0.7) / 7, 1e-3);
  EXPECT_NEAR(smoothed.at(fails), (0 + 2 * 0.4) / 7, 1e-3);
  EXPECT_GT(smoothed.at(helps), 0.7);  // still gained weight
  EXPECT_LT(smoothed.at(fails), 0.4);  // still lost weight
}

TEST(Lfi, EvidenceOnUnknownOrFixedRulesIsIgnored) {
  const RuleBase rules = RuleBase::ShippedSet("paper");
  const auto weights = RelearnWeights(rules, {{0, "action(nothing,here)", true}});
  EXPECT_EQ(weights, rules.InitialWeights());
}

}  // namespace
}  // namespace symnas::tuner
