// Every shipped diagnosis rule on synthetic curves where it must fire and where it must not,
// evaluated by the logic engine exactly as the tuner does (rules + extracted facts).
#include <gtest/gtest.h>

#include "symnas/logic/inference.hpp"
#include "symnas/tuner/facts.hpp"
#include "symnas/tuner/reasoner.hpp"
#include "symnas/tuner/rule_base.hpp"

namespace symnas::tuner {
namespace {

using Curve = std::vector<double>;

/// A healthy run: falling losses, accuracies close together and high.
search::EvalResult Healthy() {
  search::EvalResult result;
  result.curves.train_loss = {1.2, 0.7, 0.5, 0.42, 0.38, 0.35};
  result.curves.val_loss = {1.1, 0.6, 0.45, 0.42, 0.41, 0.40};
  result.curves.train_acc = {0.6, 0.78, 0.85, 0.88, 0.9, 0.91};
  result.curves.val_acc = {0.62, 0.77, 0.84, 0.86, 0.88, 0.89};
  return result;
}

/// Probability of the ground query `goal` given the shipped rules and the facts of `result`.
double Holds(const std::string& goal, const search::EvalResult& result,
             const std::map<std::string, double>& budgets = {}, int iteration = 1) {
  static const RuleBase rules = RuleBase::ShippedSet("paper");
  // Through the printed program text, independently of the parsed program Reason() copies.
  const std::string program = rules.Instantiate({}).ToText() + "\n" +
                              FactsToProlog(ExtractFacts(result, budgets, iteration)) + "query(" +
                              goal + ").\n";
  for (const auto& answer :
       logic::Infer(logic::Program::FromText(program, "diagnosis_rules_test"))) {
    if (CompactTerm(answer.atom) == CompactTerm(goal)) return answer.probability;
  }
  return 0.0;
}

std::map<std::string, double> Problems(const search::EvalResult& result,
                                       const std::map<std::string, double>& budgets = {}) {
  static const RuleBase rules = RuleBase::ShippedSet("paper");
  return Reason(rules, {}, ExtractFacts(result, budgets, 1)).problems;
}

TEST(DiagnosisRules, HealthyRunHasNoProblem) { EXPECT_TRUE(Problems(Healthy()).empty()); }

TEST(DiagnosisRules, GapTrainValidationAccuracy) {
  auto result = Healthy();
  result.curves.train_acc.back() = 0.99;
  result.curves.val_acc.back() = 0.75;  // gap 0.24 > 0.2
  EXPECT_EQ(Holds("gap_tr_te_acc", result), 1.0);
  EXPECT_EQ(Problems(result).count("overfitting"), 1u);
  result.curves.val_acc.back() = 0.80;  // gap 0.19
  EXPECT_EQ(Holds("gap_tr_te_acc", result), 0.0);
}

TEST(DiagnosisRules, GapTrainValidationLoss) {
  auto result = Healthy();
  result.curves.train_loss.back() = 0.05;
  result.curves.val_loss.back() = 0.30;  // gap 0.25
  EXPECT_EQ(Holds("gap_tr_te_loss", result), 1.0);
  EXPECT_EQ(Problems(result).count("overfitting"), 1u);
  result.curves.val_loss.back() = 0.20;  // gap 0.15
  EXPECT_EQ(Holds("gap_tr_te_loss", result), 0.0);
}

TEST(DiagnosisRules, LowAccuracyFollowsTheRelaxedThreshold) {
  auto result = Healthy();
  result.curves.val_acc.back() = 0.80;  // 0.20 from 1 > lacc 0.15
  EXPECT_EQ(Holds("low_acc", result), 1.0);
  EXPECT_EQ(Problems(result).count("underfitting"), 1u);
  result.curves.val_acc.back() = 0.88;  // 0.12 < 0.15 at iteration 1
  EXPECT_EQ(Holds("low_acc", result, {}, 1), 0.0);
  EXPECT_EQ(Holds("low_acc", result, {}, 7), 0.0);   // lacc 0.125
  EXPECT_EQ(Holds("low_acc", result, {}, 10), 1.0);  // lacc 0.1125 < 0.12
}

TEST(DiagnosisRules, HighLoss) {
  auto result = Healthy();
  result.curves.val_loss.back() = 1.5;
  EXPECT_EQ(Holds("high_loss", result), 1.0);
  result.curves.val_loss.back() = 0.9;
  EXPECT_EQ(Holds("high_loss", result, {}, 1), 0.0);  // hloss 1.2
  EXPECT_EQ(Holds("high_loss", result, {}, 7), 1.0);  // hloss 0.75
}

TEST(DiagnosisRules, GrowingLossTrend) {
  auto result = Healthy();
  result.curves.train_loss = {1.0, 1.1, 1.2, 1.15, 1.3};  // 3 of 4 steps up
  EXPECT_EQ(Holds("growing_loss_trend", result), 1.0);
  EXPECT_EQ(Problems(result).count("inc_loss"), 1u);
  result.curves.train_loss = {1.0, 1.1, 1.0, 1.05, 0.9};  // 2 of 4: not more than half
  EXPECT_EQ(Holds("growing_loss_trend", result), 0.0);
  result.curves.train_loss = {1.0, 1.1};  // too short to speak of a trend
  EXPECT_EQ(Holds("growing_loss_trend", result), 0.0);
}

TEST(DiagnosisRules, UpDownLossFiresOnRealOscillation) {
  auto result = Healthy();
  result.curves.train_loss = {1.0, 0.8, 1.1, 0.7, 1.0, 0.9, 1.2, 0.8};
  EXPECT_EQ(Holds("up_down_loss", result), 1.0);
  EXPECT_EQ(Problems(result).count("floating_loss"), 1u);
}

TEST(DiagnosisRules, UpDownLossIgnoresWhatTheOriginalFlagged) {
  auto result = Healthy();
  // A falling curve with one small bump: the original fired (one up, seven down).
  result.curves.train_loss = {2.0, 1.2, 0.9, 0.8, 0.75, 0.72, 0.73, 0.71, 0.70};
  EXPECT_EQ(Holds("up_down_loss", result), 0.0);
  // Jitter on a plateau: many reversals but tiny amplitude.
  result.curves.train_loss = {0.300, 0.301, 0.300, 0.301, 0.300, 0.301};
  EXPECT_EQ(Holds("up_down_loss", result), 0.0);
  // A single turn (U shape): one reversal only.
  result.curves.train_loss = {1.0, 0.8, 0.6, 0.7, 0.9};
  EXPECT_EQ(Holds("up_down_loss", result), 0.0);
  // Too short.
  result.curves.train_loss = {1.0, 0.5, 1.0};
  EXPECT_EQ(Holds("up_down_loss", result), 0.0);
}

TEST(DiagnosisRules, LearningRateFromTheLossIntegral) {
  auto result = Healthy();
  result.curves.val_loss = {2.0, 1.8, 1.6, 1.4, 1.2};  // a straight line: too slow
  EXPECT_EQ(Holds("to_low_lr", result), 1.0);
  EXPECT_EQ(Holds("to_high_lr", result), 0.0);
  EXPECT_EQ(Problems(result).count("low_lr"), 1u);
  result.curves.val_loss = {1.0, 3.0, 3.0, 3.0, 1.0};  // far above the line: too high
  EXPECT_EQ(Holds("to_high_lr", result), 1.0);
  EXPECT_EQ(Holds("to_low_lr", result), 0.0);
  EXPECT_EQ(Problems(result).count("high_lr"), 1u);
  result.curves.val_loss = {2.0, 1.6, 1.2};  // a straight line, but too short to judge
  EXPECT_EQ(Holds("to_low_lr", result), 0.0);
  result.curves.val_loss = {2.0, 0.5, 0.4, 0.35, 0.3};  // fast then flat: neither
  EXPECT_EQ(Holds("to_low_lr", result), 0.0);
  EXPECT_EQ(Holds("to_high_lr", result), 0.0);
}

TEST(DiagnosisRules, EveryBudgetGivesItsThresholdProblem) {
  for (const char* metric :
       {"flops", "params", "peak_memory_bytes", "model_size_bytes", "latency_ms", "energy_mj"}) {
    auto result = Healthy();
    result.metrics[metric] = 200.0;
    const std::string problem = std::string("thr_exceeded(") + metric + ")";
    EXPECT_EQ(Problems(result, {{metric, 100.0}}).count(problem), 1u) << metric;
    EXPECT_EQ(Problems(result, {{metric, 300.0}}).count(problem), 0u) << metric;
    EXPECT_EQ(Problems(result, {}).count(problem), 0u) << metric;  // no budget, no problem
  }
}

TEST(DiagnosisRules, OriginalHardwareNamesStillWork) {
  auto result = Healthy();
  result.metrics = {{"flops", 2e7}, {"params", 5e5}};
  EXPECT_EQ(Holds("high_flops", result, {{"flops", 1e7}}), 1.0);
  EXPECT_EQ(Holds("high_flops", result, {{"flops", 3e7}}), 0.0);
  EXPECT_EQ(Holds("high_numb_params", result, {{"params", 1e5}}), 1.0);
  EXPECT_EQ(Holds("high_numb_params", result, {{"params", 1e6}}), 0.0);
}

TEST(TuningRules, ProbabilitiesAreTheRuleWeights) {
  auto result = Healthy();
  result.curves.train_acc.back() = 0.99;
  result.curves.val_acc.back() = 0.70;  // overfitting and underfitting (0.30 from 1)
  const auto reasoning = Reason(RuleBase::ShippedSet("paper"), {}, ExtractFacts(result, {}, 1));
  std::map<std::string, double> by_rule;
  for (const auto& action : reasoning.actions) by_rule[action.rule_id] = action.probability;
  EXPECT_NEAR(by_rule.at("action(reg_l2,overfitting)"), 0.99, 1e-9);
  EXPECT_NEAR(by_rule.at("action(data_augmentation,overfitting)"), 0.5, 1e-9);
  EXPECT_NEAR(by_rule.at("action(inc_neurons,underfitting)"), 0.5, 1e-9);
  // The layer-adding rules fire (they never did in the original) when no budget is exceeded.
  EXPECT_NEAR(by_rule.at("action(new_fc_layer,underfitting)"), 0.45, 1e-9);
  EXPECT_NEAR(by_rule.at("action(new_conv_layer,underfitting)"), 0.45, 1e-9);
  EXPECT_EQ(by_rule.count("action(dec_layers,thr_exceeded(flops))"), 0u);
}

TEST(TuningRules, LayerAddingRulesAreSilencedByAHardwareProblem) {
  auto result = Healthy();
  result.curves.val_acc.back() = 0.70;
  result.metrics["flops"] = 2e7;
  const auto reasoning =
      Reason(RuleBase::ShippedSet("paper"), {}, ExtractFacts(result, {{"flops", 1e7}}, 1));
  std::map<std::string, double> by_rule;
  for (const auto& action : reasoning.actions) by_rule[action.rule_id] = action.probability;
  EXPECT_EQ(by_rule.count("action(new_fc_layer,underfitting)"), 0u);
  EXPECT_EQ(by_rule.count("action(new_conv_layer,underfitting)"), 0u);
  EXPECT_NEAR(by_rule.at("action(dec_layers,thr_exceeded(flops))"), 0.7, 1e-9);
  EXPECT_NEAR(by_rule.at("action(dec_neurons,thr_exceeded(flops))"), 0.4, 1e-9);
  EXPECT_EQ(by_rule.count("action(inc_neurons,underfitting)"), 0u);  // no capacity over budget
  EXPECT_NEAR(by_rule.at("action(decr_lr,underfitting)"), 0.3, 1e-9);
}

TEST(TuningRules, LearnedWeightsReplaceInitialOnes) {
  auto result = Healthy();
  result.metrics["flops"] = 2e7;
  const auto reasoning =
      Reason(RuleBase::ShippedSet("paper"), {{"action(dec_layers,thr_exceeded(flops))", 0.25}},
             ExtractFacts(result, {{"flops", 1e7}}, 1));
  bool found = false;
  for (const auto& action : reasoning.actions) {
    if (action.rule_id == "action(dec_layers,thr_exceeded(flops))") {
      EXPECT_NEAR(action.probability, 0.25, 1e-9);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace symnas::tuner
