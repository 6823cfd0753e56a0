// The int8 / quantisation part of the default rules (issue 13): the quant_drop facts, the
// problem(quant_drop) diagnosis (above the study's budget or, without one, 0.01) and its tuning
// actions, on trials with a large and a small measured int8 accuracy drop.
#include <gtest/gtest.h>

#include <algorithm>

#include "symnas/search/evaluator.hpp"
#include "symnas/tuner/actions.hpp"
#include "symnas/tuner/facts.hpp"
#include "symnas/tuner/reasoner.hpp"

namespace symnas::tuner {
namespace {

/// A trained trial with a healthy curve (no other problem fires) and, if given, its quant_drop.
search::EvalResult Trial(std::optional<double> quant_drop) {
  search::EvalResult r;
  r.accuracy = 0.84;
  r.curves = {{1.0, 0.6, 0.5}, {0.70, 0.80, 0.82}, {0.9, 0.6, 0.55}, {0.72, 0.82, 0.84}};
  r.metrics = {{"flops", 2e6}, {"params", 5e4}};
  if (quant_drop) {
    r.metrics[search::kInt8AccuracyMetric] = r.accuracy - *quant_drop;
    r.metrics[search::kQuantDropMetric] = *quant_drop;
  }
  return r;
}

Reasoning ReasonAbout(const search::EvalResult& r, const std::map<std::string, double>& budgets) {
  TrialFacts facts = ExtractFacts(r, budgets, 1);
  facts.incumbent_val_acc = 0.84;
  facts.incumbent_train_acc = 0.82;
  return Reason(RuleBase::Shipped(), {}, facts);
}

std::vector<std::string> ActionsFor(const Reasoning& reasoning, const std::string& problem) {
  std::vector<std::string> actions;
  for (const auto& a : reasoning.actions) {
    if (a.problem == problem) actions.push_back(a.action);
  }
  std::sort(actions.begin(), actions.end());
  return actions;
}

TEST(QuantRules, TheMeasuredDropIsAFactOfItsOwnNotAHardwareMetric) {
  const std::string text = FactsToProlog(ExtractFacts(Trial(0.031), {{"quant_drop", 0.02}}, 1));
  EXPECT_NE(text.find("quant_drop(0.031).\n"), std::string::npos) << text;
  EXPECT_NE(text.find("quant_drop_th(0.02).\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("metric(quant_drop"), std::string::npos) << text;
  EXPECT_EQ(text.find("metric(int8_accuracy"), std::string::npos) << text;
  EXPECT_EQ(text.find("budget(quant_drop"), std::string::npos) << text;
  EXPECT_NE(text.find("metric(flops, 2000000.0)"), std::string::npos) << text;
  const std::string without = FactsToProlog(ExtractFacts(Trial(std::nullopt), {}, 1));
  EXPECT_EQ(without.find("quant_drop"), std::string::npos) << "not measured, no fact";
}

TEST(QuantRules, ALargeDropIsDiagnosedAndASmallOneIsNot) {
  const Reasoning large = ReasonAbout(Trial(0.05), {});
  EXPECT_TRUE(large.problems.count("quant_drop")) << "5 points > the default 0.01";
  EXPECT_EQ(large.problems.size(), 1u) << "the curve itself is healthy";
  EXPECT_EQ(ActionsFor(large, "quant_drop"),
            (std::vector<std::string>{"inc_neurons", "reg_l2", "relu_activation"}));
  for (double small : {0.003, 0.0, -0.004}) {
    const Reasoning r = ReasonAbout(Trial(small), {});
    EXPECT_TRUE(r.problems.empty()) << small;
    EXPECT_TRUE(r.actions.empty()) << small;
  }
  EXPECT_TRUE(ReasonAbout(Trial(std::nullopt), {}).problems.empty()) << "not measured";
}

TEST(QuantRules, TheStudysBudgetIsTheThreshold) {
  const std::map<std::string, double> budget = {{"quant_drop", 0.02}};
  EXPECT_FALSE(ReasonAbout(Trial(0.015), budget).problems.count("quant_drop")) << "within 0.02";
  const Reasoning over = ReasonAbout(Trial(0.03), budget);
  EXPECT_TRUE(over.problems.count("quant_drop"));
  EXPECT_FALSE(over.problems.count("thr_exceeded(quant_drop)")) << "not a hardware budget";
  EXPECT_TRUE(ReasonAbout(Trial(0.008), {{"quant_drop", 0.005}}).problems.count("quant_drop"))
      << "a budget below the default threshold tightens it";
}

TEST(QuantRules, GrowingWaitsForTheHardwareBudget) {
  const Reasoning r = ReasonAbout(Trial(0.05), {{"flops", 1e6}});  // flops 2e6 over budget
  EXPECT_TRUE(r.problems.count("thr_exceeded(flops)"));
  EXPECT_EQ(ActionsFor(r, "quant_drop"), (std::vector<std::string>{"reg_l2", "relu_activation"}));
}

TEST(QuantRules, ReluActivationPinsTheActivationOnce) {
  search::SearchSpace space = search::Seed000Space();
  const ActionContext context{space, {}, {"relu_activation", 3, ""}, nullptr};
  const ActionOutcome outcome = ApplyAction("relu_activation", context);
  ASSERT_EQ(outcome.edits.size(), 1u);
  space.Apply(outcome.edits[0]);
  EXPECT_TRUE(space.At("activation").fixed);
  EXPECT_EQ(search::AsString(space.At("activation").default_value), "relu");
  EXPECT_FALSE(ApplyAction("relu_activation", {space, {}, {"", 4, ""}, nullptr}).Applied());
  const search::SearchSpace no_activation({search::Dimension::Int("filters_0", 8, 16, 8)});
  EXPECT_FALSE(ApplyAction("relu_activation", {no_activation, {}, {"", 4, ""}, nullptr}).Applied());
}

}  // namespace
}  // namespace symnas::tuner
