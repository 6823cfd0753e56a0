// The redesigned `symbolic` (default profile) against the paper-faithful one on the curve
// evaluator: costs diagnosed before training (no over-budget network is ever trained, rejected
// candidates are stored and fire the hardware rules), fidelity-relative diagnoses, credit
// against the incumbent, prior weights from earlier studies.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "curve_evaluator.hpp"
#include "symnas/search/driver.hpp"
#include "symnas/strategies/table.hpp"
#include "symnas/tuner/explain.hpp"
#include "symnas/tuner/facts.hpp"
#include "symnas/tuner/lfi.hpp"
#include "symnas/tuner/reasoner.hpp"
#include "symnas/tuner/symbolic_strategy.hpp"

namespace symnas::tuner {
namespace {

struct Study {
  search::StudyOutcome outcome;
  search::MemoryRecorder recorder;
};

/// A `trials`-trial symbolic study on the curve evaluator under a FLOPs budget.
search::StudyOutcome RunStudy(CurveEvaluator& evaluator, search::MemoryRecorder& recorder,
                              double budget, const std::string& profile, std::uint64_t seed,
                              int trials = 10) {
  auto objective = search::MakeObjective(
      {{"kind", "constrained"}, {"maximise", "accuracy"}, {"constraints", {{"flops", budget}}}});
  search::BudgetCheck check = search::MakeBudgetCheck(evaluator, objective->Constraints());
  nlohmann::json options = {{"profile", profile},
                            {"budgets", {{"flops", budget}}},
                            {"bo", {{"initial_random", 3}, {"acq_samples", 200}}}};
  search::DriverOptions driver_options;
  driver_options.trials = trials;
  driver_options.seed = seed;
  search::Driver driver(
      search::Seed000Space(),
      [&](const search::SearchSpace& space) {
        return strategies::MakeStrategy("symbolic", {space, seed, options, check, {}, {}, {}});
      },
      evaluator, *objective, recorder, driver_options);
  return driver.Run();
}

TEST(DefaultProfile, NoOverBudgetNetworkIsEverTrained) {
  // 15 MFLOPs is below every network of the seed-000 space (smallest ~23.6 M): every first
  // proposal is over budget; 45 MFLOPs cuts through the middle of the space.
  for (double budget : {1.5e7, 4.5e7}) {
    for (std::uint64_t seed : {1, 2, 3}) {
      CurveEvaluator evaluator;
      search::MemoryRecorder recorder;
      const auto outcome = RunStudy(evaluator, recorder, budget, "default", seed);
      EXPECT_EQ(search::CountFinished(outcome.trials), 10);
      EXPECT_EQ(evaluator.evaluations, 10) << "only counted trials are trained";
      EXPECT_LE(evaluator.max_trained_flops, budget) << budget << " seed " << seed;
      int rejected = 0;
      for (const auto& t : outcome.trials) {
        const double flops = search::CnnTemplateFlops(t.params);  // independent of the store
        if (t.status == search::TrialStatus::kRejected) {
          ++rejected;
          EXPECT_GT(flops, budget);
          EXPECT_EQ(t.result.details.value("cpu_seconds", -1.0), 0.0);
          EXPECT_TRUE(t.result.curves.val_acc.empty());
        } else {
          EXPECT_LE(flops, budget) << "trial " << t.id;
        }
      }
      if (budget < 2e7) {
        EXPECT_GT(rejected, 0) << "the space had to shrink first";
      }
    }
  }
}

TEST(DefaultProfile, RejectedCandidatesFireHardwareRulesAndAreExplained) {
  CurveEvaluator evaluator;
  search::MemoryRecorder recorder;
  const auto outcome = RunStudy(evaluator, recorder, 1.5e7, "default", 1);
  ExplainInput input;
  input.trials = outcome.trials;
  ASSERT_EQ(recorder.annotations().size(), outcome.trials.size());
  bool hardware_action_on_rejected = false;
  for (std::size_t i = 0; i < outcome.trials.size(); ++i) {
    const auto& t = outcome.trials[i];
    for (const auto& d : recorder.annotations()[i].diagnoses) input.diagnoses.emplace_back(t.id, d);
    for (const auto& a : recorder.annotations()[i].actions) {
      input.actions.emplace_back(t.id, a);
      if (t.status == search::TrialStatus::kRejected && a.applied &&
          a.details.value("problem", "") == "thr_exceeded(flops)") {
        hardware_action_on_rejected = true;
      }
    }
  }
  EXPECT_TRUE(hardware_action_on_rejected);
  const std::string text = FormatExplanation(input);
  EXPECT_NE(text.find("rejected"), std::string::npos) << text;
  EXPECT_NE(text.find("thr_exceeded(flops)"), std::string::npos) << text;
}

TEST(DefaultProfile, ThePaperProfileTrainsOverBudgetNetworks) {
  // The contrast that makes the test above meaningful: seed 000's tuner trains what BO proposes.
  CurveEvaluator evaluator;
  search::MemoryRecorder recorder;
  const auto outcome = RunStudy(evaluator, recorder, 1.5e7, "paper", 1);
  EXPECT_GT(evaluator.max_trained_flops, 1.5e7);
  for (const auto& t : outcome.trials) EXPECT_NE(t.status, search::TrialStatus::kRejected);
}

/// Problems the default rules diagnose on curves with an incumbent at (val, train) accuracy.
std::map<std::string, double> Diagnose(const search::LearningCurves& curves,
                                       std::optional<std::pair<double, double>> incumbent) {
  search::EvalResult result;
  result.curves = curves;
  TrialFacts facts = ExtractFacts(result, {}, 1);
  if (incumbent) {
    facts.incumbent_val_acc = incumbent->first;
    facts.incumbent_train_acc = incumbent->second;
  }
  return Reason(RuleBase::Shipped(), {}, facts).problems;
}

TEST(DefaultRules, StillLearningBehindTheIncumbentIsUndertrainedNotUnderfitting) {
  // Training accuracy 0.55 -> 0.70 -> 0.78: the last epoch closed 27 % of the headroom.
  search::LearningCurves steep{
      {1.4, 0.9, 0.7}, {0.55, 0.70, 0.78}, {1.3, 0.9, 0.75}, {0.56, 0.69, 0.76}};
  auto behind = Diagnose(steep, std::make_pair(0.84, 0.86));
  EXPECT_TRUE(behind.count("undertrained"));
  EXPECT_FALSE(behind.count("underfitting"));  // the paper's rules call this underfitting
  EXPECT_TRUE(Diagnose(steep, std::nullopt).count("undertrained"));
  EXPECT_TRUE(Diagnose(steep, std::make_pair(0.70, 0.72)).empty()) << "ahead of the incumbent";
}

TEST(DefaultRules, APlateauBelowTheIncumbentLacksCapacity) {
  // 0.700 -> 0.705: 1.7 % of the headroom, well below the incumbent's training accuracy 0.86.
  search::LearningCurves flat{
      {0.9, 0.85, 0.84}, {0.65, 0.700, 0.705}, {0.9, 0.86, 0.85}, {0.66, 0.69, 0.70}};
  auto problems = Diagnose(flat, std::make_pair(0.84, 0.86));
  EXPECT_TRUE(problems.count("underfitting"));
  EXPECT_FALSE(problems.count("undertrained"));
  EXPECT_FALSE(Diagnose(flat, std::nullopt).count("underfitting")) << "no study to compare with";
}

TEST(DefaultRules, OverfittingIsJudgedAgainstTheIncumbentsGap) {
  search::LearningCurves gap{
      {0.6, 0.3, 0.2}, {0.80, 0.92, 0.97}, {0.7, 0.6, 0.65}, {0.74, 0.79, 0.80}};
  EXPECT_TRUE(Diagnose(gap, std::make_pair(0.84, 0.86)).count("overfitting"));  // 0.17 vs 0.02
  EXPECT_FALSE(Diagnose(gap, std::make_pair(0.84, 1.0)).count("overfitting"));  // 0.17 vs 0.16
}

TEST(DeviceRules, AnExceededDeviceBudgetNamesTheDevice) {
  // Latency budgets on two devices (the cnn evaluator's `devices:`), only raspi4's exceeded.
  search::EvalResult result;
  result.metrics = {{"latency_ms@raspi4", 30.0}, {"latency_ms@jetson_nano", 4.0}, {"flops", 1e6}};
  const std::map<std::string, double> budgets = {{"latency_ms@raspi4", 20.0},
                                                 {"latency_ms@jetson_nano", 10.0}};
  TrialFacts facts = ExtractFacts(result, budgets, 1);
  facts.rejected = true;
  const std::string text = FactsToProlog(facts);
  EXPECT_NE(text.find("device_metric('latency_ms@raspi4', latency_ms, raspi4)."), std::string::npos)
      << text;
  const Reasoning reasoning = Reason(RuleBase::Shipped(), {}, facts);
  EXPECT_EQ(reasoning.problems.count("device_exceeded(raspi4,latency_ms)"), 1u);
  EXPECT_EQ(reasoning.problems.count("device_exceeded(jetson_nano,latency_ms)"), 0u);
  // The latency remedies fire for a device's latency budget.
  EXPECT_EQ(reasoning.problems.count("thr_exceeded(latency_ms)"), 1u);
  bool dec_layers = false;
  for (const auto& a : reasoning.actions) {
    dec_layers |= a.action == "dec_layers" && a.problem == "thr_exceeded(latency_ms)";
  }
  EXPECT_TRUE(dec_layers);
  // Both within budget: no device is named.
  result.metrics["latency_ms@raspi4"] = 15.0;
  const auto within = Reason(RuleBase::Shipped(), {}, ExtractFacts(result, budgets, 1)).problems;
  EXPECT_EQ(within.count("device_exceeded(raspi4,latency_ms)"), 0u);
  EXPECT_EQ(within.count("thr_exceeded(latency_ms)"), 0u);
}

TEST(DeviceRules, DeviceMetricNamesAndTheRulesThatCanFire) {
  EXPECT_EQ(SplitDeviceMetric("latency_ms@fpga")->metric, "latency_ms");
  EXPECT_EQ(SplitDeviceMetric("latency_ms@fpga")->device, "fpga");
  for (const char* name : {"latency_ms", "@fpga", "latency_ms@", "a@b@c"}) {
    EXPECT_FALSE(SplitDeviceMetric(name)) << name;
  }
  EXPECT_EQ(DeviceMetricFacts({"flops", "energy_mj@raspi4"}),
            "device_metric('energy_mj@raspi4', energy_mj, raspi4).\n");
  // A latency rule can fire in a study that budgets some device's latency, not otherwise.
  TuningRule rule;
  rule.problem = "thr_exceeded(latency_ms)";
  const TuningRule* latency = &rule;
  EXPECT_TRUE(RuleCanFire(*latency, std::map<std::string, double>{{"latency_ms@raspi4", 1}}));
  EXPECT_TRUE(RuleCanFire(*latency, std::set<std::string>{"latency_ms"}));
  EXPECT_FALSE(RuleCanFire(*latency, std::set<std::string>{"energy_mj@raspi4", "latency_msx"}));
}

TEST(Credit, AnActionHelpsWhenTheNextResultMatchesTheIncumbent) {
  search::ObjectiveValue incumbent{0.84, true, 0.0, {}};
  const auto complete = search::TrialStatus::kComplete;
  EXPECT_TRUE(Improved(incumbent, {0.835, true, 0.0, {}}, complete, 0.01));
  EXPECT_FALSE(Improved(incumbent, {0.82, true, 0.0, {}}, complete, 0.01));
  EXPECT_FALSE(Improved(incumbent, {0.835, true, 0.0, {}}, complete, 0.0));
  // A rejected candidate is judged on its violation only.
  search::ObjectiveValue over{-1e300, false, 2.0, {}};
  EXPECT_TRUE(Improved(over, {-1e300, false, 0.5, {}}, search::TrialStatus::kRejected));
  EXPECT_FALSE(Improved(over, {0.9, true, 0.0, {}}, search::TrialStatus::kFailed));
}

TEST(PriorWeights, EarlierStudiesSetTheInitialWeights) {
  CurveEvaluator evaluator;
  search::StrategyContext context;
  context.space = search::Seed000Space();
  context.options = {
      {"budgets", {{"flops", 1.5e7}}},
      {"prior_weights",
       {{"action(dec_layers,thr_exceeded(flops))", 0.2}, {"action(no_such,rule)", 0.9}}}};
  context.budget_check = search::MakeBudgetCheck(evaluator, {{"flops", 1.5e7}});
  auto strategy = MakeSymbolicStrategy(context);
  auto* symbolic = dynamic_cast<SymbolicStrategy*>(strategy.get());
  ASSERT_NE(symbolic, nullptr);
  EXPECT_DOUBLE_EQ(symbolic->weights().at("action(dec_layers,thr_exceeded(flops))"), 0.2);
  EXPECT_DOUBLE_EQ(symbolic->weights().at("action(dec_neurons,thr_exceeded(flops))"), 0.4);
  context.options["prior_weights"] = {{"action(dec_layers,thr_exceeded(flops))", 1.5}};
  EXPECT_THROW(MakeSymbolicStrategy(context), ConfigError);
}

}  // namespace
}  // namespace symnas::tuner
