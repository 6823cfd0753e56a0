// The `symbolic` strategy end to end: a tiny deterministic evaluator with learning curves and
// analytic template FLOPs, the study driver, a FLOPs budget below the default network's cost.
#include "symnas/tuner/symbolic_strategy.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "curve_evaluator.hpp"
#include "symnas/search/driver.hpp"
#include "symnas/search/synthetic.hpp"
#include "symnas/tuner/actions.hpp"
#include "symnas/tuner/explain.hpp"

namespace symnas::tuner {
namespace {

using search::AsDouble;
using search::Params;

constexpr double kBudget = 1.5e7;  // the default network needs about 3.8e7 FLOPs

search::StrategyContext Context(CurveEvaluator& evaluator, std::uint64_t seed) {
  search::StrategyContext context;
  context.space = search::Seed000Space();
  context.seed = seed;
  context.options = {{"profile", "paper"},
                     {"selection", "argmax"},
                     {"budgets", {{"flops", kBudget}}},
                     {"bo", {{"initial_random", 3}, {"acq_samples", 200}}}};
  context.budget_check = search::MakeBudgetCheck(evaluator, {{"flops", kBudget}});
  return context;
}

TEST(SymbolicStrategy, RejectsARuleWithAnUnknownActionAtStart) {
  const std::string path = ::testing::TempDir() + "bad_rules.pl";
  std::ofstream(path) << "t(0.5)::action(prune_heads, overfitting) :- problem(overfitting).\n";
  CurveEvaluator evaluator;
  auto context = Context(evaluator, 1);
  context.options["rules"] = {path};
  try {
    MakeSymbolicStrategy(context);
    FAIL() << "expected RuleError";
  } catch (const RuleError& error) {
    EXPECT_NE(error.message().find("prune_heads"), std::string::npos);
    EXPECT_NE(error.message().find("dec_layers"), std::string::npos);  // lists the actions
  }
}

TEST(SymbolicStrategy, ARuleFailingOnATrialsFactsIsRecordedAndTheStudyGoesOn) {
  // Passes the start-up dry run (no incumbent then) and fails at run time on the second trial,
  // when incumbent/2 exists: `is` on an atom is a type error.
  const std::string path = ::testing::TempDir() + "runtime_error_rules.pl";
  std::ofstream(path) << "problem(boom) :- incumbent(V, _), X is V + foo, X > 0.\n";
  CurveEvaluator evaluator;
  auto context = Context(evaluator, 3);
  context.options["profile"] = "default";
  context.options["rules"] = {path};
  auto strategy = MakeSymbolicStrategy(context);
  bool recorded = false;
  for (std::int64_t id = 0; id < 3; ++id) {
    const Params params = strategy->Ask();
    for (const auto& e : strategy->TakeSpaceEdits()) (void)e;
    search::TrialOutcome outcome{
        id, params, search::TrialStatus::kComplete, {}, evaluator.Evaluate(params, 0)};
    outcome.objective = search::Seed000Objective(  // feasible: the first becomes the incumbent
        outcome.result.accuracy, outcome.result.metrics.at("flops"), 1e12, 0.33);
    EXPECT_NO_THROW(strategy->Tell(outcome)) << "trial " << id;
    for (const auto& d : strategy->TakeAnnotations().diagnoses) {
      if (d.problem != "reasoning_failed") continue;
      recorded = true;
      EXPECT_NE(d.details.value("error", "").find("runtime_error_rules.pl"), std::string::npos)
          << d.details.dump();
    }
    strategy->TakeSpaceEdits();
  }
  EXPECT_TRUE(recorded);
}

TEST(SymbolicStrategy, OverBudgetTrialGetsHardwareActions) {
  CurveEvaluator evaluator;
  auto strategy = MakeSymbolicStrategy(Context(evaluator, 2));
  Params params = search::Seed000Space().Defaults();
  search::TrialOutcome outcome{
      0, params, search::TrialStatus::kComplete, {}, evaluator.Evaluate(params, 0)};
  outcome.objective = search::Seed000Objective(outcome.result.accuracy,
                                               outcome.result.metrics.at("flops"), kBudget, 0.33);
  strategy->Tell(outcome);
  const auto annotations = strategy->TakeAnnotations();
  bool diagnosed = false;
  for (const auto& d : annotations.diagnoses) diagnosed |= d.problem == "thr_exceeded(flops)";
  EXPECT_TRUE(diagnosed);
  bool dec_layers_applied = false;
  for (const auto& a : annotations.actions) {
    dec_layers_applied |= a.action == "dec_layers" && a.applied;
    EXPECT_NE(a.action, "new_conv_layer");  // silenced by the hardware problem
  }
  EXPECT_TRUE(dec_layers_applied);  // argmax for thr_exceeded(flops): dec_layers (0.7)
  const auto edits = strategy->TakeSpaceEdits();
  ASSERT_FALSE(edits.empty());
  EXPECT_EQ(edits[0].reason.trial_id, 0);
  EXPECT_TRUE(strategy->TakeSpaceEdits().empty());
}

TEST(SymbolicStrategy, TheStudysTypedBudgetsReachItUnlessItsOwnOptionReplacesThem) {
  CurveEvaluator evaluator;
  const Params params = search::Seed000Space().Defaults();  // about 3.8e7 FLOPs
  const auto diagnoses_flops = [&](const search::StrategyContext& context) {
    auto strategy = MakeSymbolicStrategy(context);
    search::TrialOutcome outcome{
        0, params, search::TrialStatus::kComplete, {}, evaluator.Evaluate(params, 0)};
    strategy->Tell(outcome);
    bool diagnosed = false;
    for (const auto& d : strategy->TakeAnnotations().diagnoses) {
      diagnosed |= d.problem == "thr_exceeded(flops)";
    }
    return diagnosed;
  };
  auto context = Context(evaluator, 5);
  context.options.erase("budgets");
  context.budgets = {{"flops", kBudget}};
  EXPECT_TRUE(diagnoses_flops(context));
  context.options["budgets"] = {{"flops", 1e12}};  // a config's own strategy_options.budgets
  EXPECT_FALSE(diagnoses_flops(context));
  context.options.erase("budgets");
  context.budgets.clear();
  EXPECT_FALSE(diagnoses_flops(context));
}

TEST(SymbolicStrategy, OpposedActionsNeverShareAStepAndArgmaxFallsBack) {
  // decr_lr made the favourite for underfitting; low_lr's inc_lr (0.99) is applied first, so
  // decr_lr would undo it: it is skipped and underfitting falls back to inc_neurons.
  const std::string path = ::testing::TempDir() + "decr_first.pl";
  std::ofstream(path) << "t(0.95)::action(decr_lr, underfitting) :- problem(underfitting).\n";
  CurveEvaluator evaluator;
  auto context = Context(evaluator, 4);
  context.options["rules"] = {path};
  context.options["budgets"] = nlohmann::json::object();
  auto strategy = MakeSymbolicStrategy(context);
  const Params params = search::Seed000Space().Defaults();
  search::TrialOutcome outcome{0, params, search::TrialStatus::kComplete, {}, {}};
  outcome.result.curves.val_loss = {2.0, 1.8, 1.6, 1.4, 1.2};  // a straight line: low_lr
  outcome.result.curves.train_loss = {2.0, 1.8, 1.6, 1.4, 1.15};
  outcome.result.curves.val_acc = {0.2, 0.3, 0.4, 0.45, 0.5};  // underfitting
  outcome.result.curves.train_acc = {0.2, 0.3, 0.4, 0.45, 0.52};
  strategy->Tell(outcome);
  std::map<std::string, search::ActionRecord> by_action;
  for (const auto& a : strategy->TakeAnnotations().actions) by_action[a.action] = a;
  EXPECT_TRUE(by_action.at("inc_lr").applied);
  EXPECT_FALSE(by_action.at("decr_lr").applied);
  EXPECT_NE(by_action.at("decr_lr").details.value("note", "").find("would undo inc_lr"),
            std::string::npos);
  EXPECT_TRUE(by_action.at("inc_neurons").applied);
}

TEST(SymbolicStrategy, StudyReachesAFeasibleNetworkAndExplainsItself) {
  CurveEvaluator evaluator;
  auto objective =
      search::MakeObjective({{"kind", "seed000"}, {"flops_threshold", kBudget}, {"epsilon", 0.33}});
  search::MemoryRecorder recorder;
  search::DriverOptions options;
  options.trials = 8;
  options.seed = 5;
  search::Driver driver(
      search::Seed000Space(),
      [&](const search::SearchSpace& space) {
        auto context = Context(evaluator, 5);
        context.space = space;
        return MakeSymbolicStrategy(context);
      },
      evaluator, *objective, recorder, options);
  const auto outcome = driver.Run();
  ASSERT_EQ(outcome.trials.size(), 8u);
  // The first trial (BO's first random candidates) may or may not be over budget; the study
  // must diagnose thr_exceeded whenever a trial is, and end with a feasible best network.
  const auto& annotations = recorder.annotations();
  ASSERT_EQ(annotations.size(), 8u);
  int over_budget = 0;
  int hardware_actions = 0;
  for (std::size_t i = 0; i < outcome.trials.size(); ++i) {
    const bool over = outcome.trials[i].result.metrics.at("flops") > kBudget;
    bool diagnosed = false;
    for (const auto& d : annotations[i].diagnoses) diagnosed |= d.problem == "thr_exceeded(flops)";
    EXPECT_EQ(over, diagnosed) << "trial " << i;
    over_budget += over;
    for (const auto& a : annotations[i].actions) {
      hardware_actions += a.applied && a.details.value("problem", "") == "thr_exceeded(flops)";
    }
  }
  if (over_budget > 0) {
    EXPECT_GT(hardware_actions, 0);
  }
  const auto best = search::BestTrialIndex(outcome.trials);
  ASSERT_GE(best, 0);
  EXPECT_TRUE(outcome.trials[static_cast<std::size_t>(best)].objective.feasible);
  // Every recorded edit names the tuning action and trial that caused it.
  for (const auto& edit : outcome.space.history()) {
    EXPECT_NO_THROW(FindAction(edit.reason.action)) << edit.ToString();
    EXPECT_GE(edit.reason.trial_id, 0);
  }
  ExplainInput input;
  input.trials = outcome.trials;
  for (std::size_t i = 0; i < annotations.size(); ++i) {
    for (const auto& d : annotations[i].diagnoses)
      input.diagnoses.push_back({outcome.trials[i].id, d});
    for (const auto& a : annotations[i].actions) input.actions.push_back({outcome.trials[i].id, a});
    if (!annotations[i].rule_weights.empty()) {
      input.weights.push_back({outcome.trials[i].id, annotations[i].rule_weights});
    }
  }
  input.initial_weights = RuleBase::ShippedSet("paper").InitialWeights();
  const auto steps = ExplainSteps(input);
  ASSERT_EQ(steps.size(), 8u);
  const std::string text = FormatExplanation(input);
  if (std::getenv("SYMNAS_TEST_VERBOSE") != nullptr) std::cout << text;
  EXPECT_NE(text.find("action(dec_layers,thr_exceeded(flops))"), std::string::npos);
  if (over_budget > 0) {
    EXPECT_NE(text.find("thr_exceeded(flops)"), std::string::npos);
  }
}

TEST(SymbolicStrategy, SaveLoadRestoresTheSameBehaviour) {
  CurveEvaluator evaluator;
  auto first = MakeSymbolicStrategy(Context(evaluator, 9));
  for (int i = 0; i < 3; ++i) {
    const Params params = first->Ask();
    search::TrialOutcome outcome{
        i, params, search::TrialStatus::kComplete, {}, evaluator.Evaluate(params, i)};
    outcome.objective = search::Seed000Objective(outcome.result.accuracy,
                                                 outcome.result.metrics.at("flops"), kBudget, 0.33);
    first->Tell(outcome);
    first->TakeAnnotations();
    first->TakeSpaceEdits();  // not applied here: both strategies keep the seed-000 space
  }
  auto second = MakeSymbolicStrategy(Context(evaluator, 9));
  second->Load(first->Save());
  EXPECT_EQ(first->Save(), second->Save());
  EXPECT_EQ(search::ParamsKey(first->Ask()), search::ParamsKey(second->Ask()));
  EXPECT_THROW(second->Load(nlohmann::json{{"bo", 1}}), StoreError);
}

}  // namespace
}  // namespace symnas::tuner
