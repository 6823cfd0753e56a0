// Hardware budgets in a study, without libtorch: a fake evaluator (the CNN template's cost
// analytics plus a fake latency timer) -> the start-of-study floor check and the symbolic
// tuner's thr_exceeded(latency_ms) / thr_exceeded(peak_memory_bytes) diagnoses and actions.
#include <gtest/gtest.h>

#include <random>

#include "symnas/common/error.hpp"
#include "symnas/hw/metrics.hpp"
#include "symnas/hw/profile.hpp"
#include "symnas/nn/arch.hpp"
#include "symnas/nn/cost.hpp"
#include "symnas/search/driver.hpp"
#include "symnas/search/study_config.hpp"
#include "symnas/tuner/symbolic_strategy.hpp"

namespace symnas::hw {
namespace {

using search::Params;

/// Template costs of nn_core plus latency_ms from a fake timer: 1 ms per 10 M MACs plus 0.01 ms
/// per layer. Counts EstimateCosts calls. Evaluate gives fixed healthy curves.
class FakeHardwareEvaluator : public search::Evaluator {
 public:
  std::map<std::string, double> EstimateCosts(const Params& params) override {
    ++estimates;
    const nn::CostReport cost = nn::AnalyzeCost(nn::ArchFromParams(params));
    std::map<std::string, double> metrics = nn::CostMetrics(cost);
    metrics["latency_ms"] = cost.macs / 1e7 + 0.01 * static_cast<double>(cost.layers.size());
    return metrics;
  }
  search::EvalResult Evaluate(const Params& params, std::uint64_t) override {
    search::EvalResult result;
    result.curves.train_loss = {1.2, 0.7, 0.5, 0.42, 0.38, 0.35};
    result.curves.val_loss = {1.1, 0.6, 0.45, 0.42, 0.41, 0.40};
    result.curves.train_acc = {0.6, 0.78, 0.85, 0.88, 0.9, 0.91};
    result.curves.val_acc = {0.62, 0.77, 0.84, 0.86, 0.88, 0.89};
    result.accuracy = 0.89;
    result.metrics = EstimateCosts(params);
    return result;
  }
  int estimates = 0;
};

/// The seed-000 space with every free numeric dimension at its lower bound (dropout 0: no
/// dropout layers) or, for `low` false, at its upper bound.
Params Corner(bool low) {
  const search::SearchSpace space = search::Seed000Space();
  Params params = space.Defaults();
  for (const auto& dim : space.dimensions()) {
    if (dim.fixed || dim.kind == search::DimKind::kCategorical) continue;
    const double value = low ? dim.low : dim.high;
    params[dim.name] = dim.kind == search::DimKind::kInt
                           ? search::Value{static_cast<std::int64_t>(value)}
                           : search::Value{value};
  }
  return params;
}

TEST(BudgetFloor, MinimumCostsIsTheSmallCornerAndNoSampleGoesBelowIt) {
  FakeHardwareEvaluator evaluator;
  const search::SearchSpace space = search::Seed000Space();
  const std::vector<std::string> metrics = {"flops", "params", "peak_memory_bytes", "latency_ms"};
  const auto floors = search::MinimumCosts(space, evaluator, metrics);
  ASSERT_EQ(floors.size(), metrics.size());
  const auto corner = evaluator.EstimateCosts(Corner(true));
  for (const auto& floor : floors) {
    EXPECT_DOUBLE_EQ(floor.minimum, corner.at(floor.metric)) << floor.metric;
  }
  // Brute-force cross-check: 300 random candidates of the space never go below the floors.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 300; ++i) {
    const auto costs = evaluator.EstimateCosts(space.Sample(rng));
    for (const auto& floor : floors) EXPECT_GE(costs.at(floor.metric), floor.minimum);
  }
  // A metric nobody reports is left out instead of inventing a floor.
  EXPECT_TRUE(search::MinimumCosts(space, evaluator, {"energy_mj"}).empty());
}

TEST(BudgetFloor, UnreachableBudgetsAreAConfigErrorNamingMinimumAndFix) {
  FakeHardwareEvaluator evaluator;
  const search::SearchSpace space = search::Seed000Space();
  const auto low = evaluator.EstimateCosts(Corner(true));
  const auto def = evaluator.EstimateCosts(space.Defaults());
  // Between the floor and the default network: only part of the space meets it, that is fine.
  EXPECT_NO_THROW(search::CheckBudgetsReachable(
      space, evaluator,
      {{"latency_ms", (low.at("latency_ms") + def.at("latency_ms")) / 2}, {"accuracy", 2.0}}));
  try {
    search::CheckBudgetsReachable(space, evaluator,
                                  {{"latency_ms", 0.5 * low.at("latency_ms")},
                                   {"flops", 1e9},
                                   {"model_size_bytes", 0.9 * low.at("model_size_bytes")}});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    const std::string text = error.message();
    EXPECT_NE(text.find("latency_ms <="), std::string::npos) << text;
    EXPECT_NE(text.find("model_size_bytes <="), std::string::npos) << text;
    EXPECT_EQ(text.find("flops <="), std::string::npos) << text;      // 1e9 is reachable
    EXPECT_NE(text.find("filters_0=16"), std::string::npos) << text;  // where the floor is
    EXPECT_NE(text.find("raise the budget"), std::string::npos) << text;
  }
}

/// Cost = number of dimensions not at choice "a"; every default is "d" (cost = dimensions).
class ChoiceCountEvaluator : public search::Evaluator {
 public:
  std::map<std::string, double> EstimateCosts(const Params& params) override {
    double count = 0;
    for (const auto& [name, value] : params) count += std::get<std::string>(value) != "a";
    return {{"flops", count}};
  }
  search::EvalResult Evaluate(const Params& params, std::uint64_t) override {
    search::EvalResult result;
    result.accuracy = 0.5;
    result.metrics = EstimateCosts(params);
    return result;
  }
};

search::SearchSpace ChoiceSpace(int dimensions) {
  std::vector<search::Dimension> dims;
  for (int i = 0; i < dimensions; ++i) {
    dims.push_back(search::Dimension::Categorical("e" + std::to_string(i), {"a", "b", "c", "d"},
                                                  std::string("d")));
  }
  return search::SearchSpace(dims);
}

TEST(BudgetFloor, CategoricalChoicesAreEnumeratedForTheFloor) {
  ChoiceCountEvaluator evaluator;  // 4^5 = 1024 corners: the all-"a" cell costs 0
  const auto floors = search::MinimumCosts(ChoiceSpace(5), evaluator, {"flops"});
  ASSERT_EQ(floors.size(), 1u);
  EXPECT_EQ(floors[0].minimum, 0.0);
  EXPECT_EQ(search::UnreachableBudgets(ChoiceSpace(5), evaluator, {{"flops", 0.5}}), "");
  EXPECT_NE(search::UnreachableBudgets(ChoiceSpace(5), evaluator, {{"flops", -1.0}}), "");
}

TEST(BudgetFloor, TooManyCornersIsNotCheckedRatherThanGuessed) {
  // 4^7 = 16,384 corners > kMaxFloorCandidates. Fixing the categoricals at their default would
  // "prove" a floor of 7 and reject the reachable budget 0.5 (NAS-Bench-201's 5^6 cells are
  // such a space): nothing is claimed instead, and the study is not blocked.
  ChoiceCountEvaluator evaluator;
  EXPECT_TRUE(search::MinimumCosts(ChoiceSpace(7), evaluator, {"flops"}).empty());
  EXPECT_EQ(search::UnreachableBudgets(ChoiceSpace(7), evaluator, {{"flops", 0.5}}), "");
  FakeHardwareEvaluator template_evaluator;
  std::vector<search::Dimension> dims;
  for (int i = 0; i < 13; ++i)
    dims.push_back(search::Dimension::Int("x" + std::to_string(i), 0, 9, 0));
  EXPECT_TRUE(
      search::MinimumCosts(search::SearchSpace(dims), template_evaluator, {"flops"}).empty());
  EXPECT_EQ(template_evaluator.estimates, 0);
}

TEST(DeviceBudgets, CortexM7ProfileGivesSramAndFlashLimits) {
  const DeviceProfile m7 = LoadProfileByName("cortex_m7", DefaultDevicesDir());
  const auto budgets = DeviceBudgets(m7);
  ASSERT_EQ(budgets.size(), 2u);
  EXPECT_EQ(budgets[0].metric, "peak_memory_bytes");
  EXPECT_EQ(budgets[0].limit, 327680);
  EXPECT_EQ(budgets[1].metric, "model_size_bytes");
  EXPECT_EQ(budgets[1].limit, 1048576);
  // The default seed-000 network fits the M7 with int8 weights and activations; fp32 weights
  // (3.5 MB) do not fit the 1 MB flash.
  const nn::CostReport cost = nn::AnalyzeCost(nn::DefaultArch());
  EXPECT_LE(cost.peak_activation_bytes / 4, budgets[0].limit);
  EXPECT_LE(cost.model_size_int8_bytes, budgets[1].limit);
  EXPECT_GT(cost.model_size_fp32_bytes, budgets[1].limit);
}

/// The symbolic strategy told one trial of `params` under `budgets` (argmax selection).
search::TrialAnnotations TellOne(const Params& params, const std::map<std::string, double>& budgets,
                                 FakeHardwareEvaluator& evaluator) {
  search::StrategyContext context;
  context.space = search::Seed000Space();
  context.seed = 3;
  nlohmann::json budget_json = nlohmann::json::object();
  std::vector<search::Constraint> constraints;
  for (const auto& [metric, limit] : budgets) {
    budget_json[metric] = limit;
    constraints.push_back({metric, limit});
  }
  context.options = {{"selection", "argmax"}, {"budgets", budget_json}};
  context.budget_check = search::MakeBudgetCheck(evaluator, constraints);
  auto strategy = tuner::MakeSymbolicStrategy(context);
  search::TrialOutcome outcome{
      0, params, search::TrialStatus::kComplete, {}, evaluator.Evaluate(params, 0)};
  outcome.objective.score = outcome.result.accuracy;
  strategy->Tell(outcome);
  return strategy->TakeAnnotations();
}

bool Diagnosed(const search::TrialAnnotations& annotations, const std::string& problem) {
  for (const auto& d : annotations.diagnoses) {
    if (d.problem == problem) return true;
  }
  return false;
}

TEST(TunerBudgets, MeasuredLatencyOverBudgetIsThrExceededLatencyWithActions) {
  FakeHardwareEvaluator evaluator;
  const Params defaults = search::Seed000Space().Defaults();
  const double latency = evaluator.EstimateCosts(defaults).at("latency_ms");
  const auto over = TellOne(defaults, {{"latency_ms", 0.8 * latency}}, evaluator);
  EXPECT_TRUE(Diagnosed(over, "thr_exceeded(latency_ms)"));
  bool shrinking = false;
  for (const auto& a : over.actions) {
    if (a.details.value("problem", "") != "thr_exceeded(latency_ms)") continue;
    EXPECT_TRUE(a.action == "dec_layers" || a.action == "dec_neurons" ||
                a.action == "dec_convs_per_block")
        << a.action;
    shrinking |= a.applied && a.action == "dec_layers";  // argmax: dec_layers (0.7)
  }
  EXPECT_TRUE(shrinking);
  const auto under = TellOne(defaults, {{"latency_ms", 1.2 * latency}}, evaluator);
  EXPECT_FALSE(Diagnosed(under, "thr_exceeded(latency_ms)"));
}

TEST(TunerBudgets, MemoryBudgetsOverAndUnderAreDiagnosedSeparately) {
  FakeHardwareEvaluator evaluator;
  const Params defaults = search::Seed000Space().Defaults();
  const auto costs = evaluator.EstimateCosts(defaults);
  const auto annotations = TellOne(defaults,
                                   {{"peak_memory_bytes", 0.5 * costs.at("peak_memory_bytes")},
                                    {"model_size_bytes", 2.0 * costs.at("model_size_bytes")}},
                                   evaluator);
  EXPECT_TRUE(Diagnosed(annotations, "thr_exceeded(peak_memory_bytes)"));
  EXPECT_FALSE(Diagnosed(annotations, "thr_exceeded(model_size_bytes)"));
  bool widest = false;
  for (const auto& a : annotations.actions) {
    widest |= a.action == "dec_widest_layer" &&
              a.details.value("problem", "") == "thr_exceeded(peak_memory_bytes)";
  }
  EXPECT_TRUE(widest);
}

}  // namespace
}  // namespace symnas::hw
