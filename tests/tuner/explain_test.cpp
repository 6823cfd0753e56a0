// Explanation tables: rows per step, "helped" judged on the objective of the next trial,
// the weights table with the initial weight and one column per learning step.
#include "symnas/tuner/explain.hpp"

#include <gtest/gtest.h>

namespace symnas::tuner {
namespace {

search::TrialRecord Trial(std::int64_t id, double score, bool feasible) {
  search::TrialRecord trial;
  trial.id = id;
  trial.status = search::TrialStatus::kComplete;
  trial.objective.score = score;
  trial.objective.feasible = feasible;
  trial.objective.violation = feasible ? 0.0 : 1.0;
  return trial;
}

ExplainInput Input() {
  ExplainInput input;
  input.trials = {Trial(0, -0.5, false), Trial(1, -0.3, true), Trial(2, -0.4, true)};
  input.diagnoses = {{0, {"thr_exceeded(flops)", 1.0, {}}},
                     {0, {"underfitting", 1.0, {}}},
                     {1, {"overfitting", 1.0, {}}}};
  input.actions = {
      {0, {"dec_layers", 0.7, true, {{"problem", "thr_exceeded(flops)"}}}},
      {0, {"dec_neurons", 0.4, false, {{"problem", "thr_exceeded(flops)"}}}},
      {1, {"reg_l2", 0.99, true, {{"problem", "overfitting"}}}},
  };
  input.weights = {{1, {{"action(dec_layers,thr_exceeded(flops))", 0.8}}}};
  input.initial_weights = {{"action(dec_layers,thr_exceeded(flops))", 0.7},
                           {"action(reg_l2,overfitting)", 0.99}};
  return input;
}

TEST(Explain, StepsListProblemsAppliedRulesAndWhetherTheyHelped) {
  const auto steps = ExplainSteps(Input());
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].problems, (std::vector<std::string>{"thr_exceeded(flops)", "underfitting"}));
  ASSERT_EQ(steps[0].applied.size(), 1u);  // dec_neurons was not applied
  EXPECT_EQ(steps[0].applied[0], "dec_layers [thr_exceeded(flops)] p=0.70");
  EXPECT_EQ(steps[0].helped, "yes");  // trial 1 became feasible
  EXPECT_EQ(steps[1].helped, "no");   // trial 2 scored lower
  EXPECT_EQ(steps[2].helped, "-");    // nothing applied
}

TEST(Explain, LastStepWithActionsIsPending) {
  auto input = Input();
  input.trials.pop_back();
  EXPECT_EQ(ExplainSteps(input).back().helped, "pending");
}

TEST(Explain, TextHasBothTables) {
  const std::string text = FormatExplanation(Input());
  EXPECT_NE(text.find("-0.5000 (over)"), std::string::npos) << text;
  EXPECT_NE(text.find("dec_layers [thr_exceeded(flops)] p=0.70"), std::string::npos);
  // dec_layers: initial 0.700, 0.800 after trial 1; reg_l2 has no learned value: "-".
  EXPECT_NE(text.find("action(dec_layers,thr_exceeded(flops))   0.700  0.800"), std::string::npos)
      << text;
  EXPECT_NE(text.find("action(reg_l2,overfitting)               0.990      -"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace symnas::tuner
