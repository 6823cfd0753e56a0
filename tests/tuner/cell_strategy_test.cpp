// The `symbolic_nb201` strategy: its rules fire the intended moves on constructed facts, the
// moves act on constructed cells as documented, and the strategy never repeats a cell and
// finds the exact constrained optimum of a synthetic 5^6 cell problem (checked by brute force).
#include "symnas/tuner/cell_strategy.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "symnas/search/objective.hpp"
#include "symnas/tuner/cell_moves.hpp"

namespace symnas::tuner {
namespace {

using search::Params;

const std::vector<std::string>& Ops() { return Nb201CostOrder(); }

/// Six edges over the five NAS-Bench-201 operations (the nasbench201 space's shape).
search::SearchSpace CellSpace() {
  std::vector<search::Dimension> dims;
  for (int e = 0; e < 6; ++e) {
    dims.push_back(search::Dimension::Categorical("edge_" + std::to_string(e), Ops(), "none"));
  }
  return search::SearchSpace(std::move(dims));
}

Params Cell(const std::vector<int>& ranks) {
  Params p;
  for (int e = 0; e < 6; ++e) p["edge_" + std::to_string(e)] = Ops()[ranks[e]];
  return p;
}

/// A synthetic cell problem: latency adds per-op costs; accuracy rewards convolutions with a
/// per-edge preference so that the constrained optimum is unique and not the costliest cell.
struct SyntheticCells {
  double Latency(const Params& p) const {
    static const double kCost[] = {0.0, 0.1, 0.4, 1.0, 2.5};
    double latency = 1.0;
    for (const auto& [name, value] : p) latency += kCost[CostRank(Ops(), search::AsString(value))];
    return latency;
  }
  double Accuracy(const Params& p) const {
    static const double kGain[6][5] = {{0, 1, 2, 3, 5}, {0, 2, 1, 4, 3}, {0, 1, 3, 2, 4},
                                       {0, 3, 1, 2, 6}, {1, 0, 2, 5, 3}, {0, 2, 4, 1, 3}};
    double score = 50;
    for (int e = 0; e < 6; ++e) {
      score +=
          kGain[e][CostRank(Ops(), search::AsString(p.at("edge_" + std::to_string(e))))] + 0.01 * e;
    }
    return score / 100;
  }
  search::EvalResult Evaluate(const Params& p) const {
    search::EvalResult result;
    result.accuracy = Accuracy(p);
    result.metrics["latency_ms"] = Latency(p);
    return result;
  }
};

constexpr double kBudgetMs = 7.0;

std::unique_ptr<search::Objective> Constrained() {
  return search::MakeObjective(
      {{"kind", "constrained"},
       {"constraints", {{{"metric", "latency_ms"}, {"budget", kBudgetMs}}}}});
}

Reasoning ReasonOn(const CellFacts& facts) {
  const RuleBase rules = RuleBase::ShippedSet("nb201");
  return ReasonOverFacts(rules, rules.InitialWeights(), CellFactsToProlog(facts));
}

std::map<std::string, double> ActionsOf(const Reasoning& reasoning) {
  std::map<std::string, double> out;
  for (const auto& a : reasoning.actions) out[a.action + "/" + a.problem] = a.probability;
  return out;
}

TEST(CellRulesTest, OverBudgetCellIsMadeCheaper) {
  CellFacts facts;
  facts.budget_ratios["latency_ms"] = 1.3;
  facts.unseen_neighbours = 10;
  const Reasoning r = ReasonOn(facts);
  EXPECT_EQ(r.problems.count("over_budget"), 1u);
  EXPECT_EQ(r.problems.count("slack"), 0u);
  EXPECT_NEAR(ActionsOf(r).at("cheapen_costliest/over_budget"), 0.9, 1e-9);
  EXPECT_EQ(ActionsOf(r).count("upgrade_cheapest/slack"), 0u);
}

TEST(CellRulesTest, TheDeviceOverItsBudgetIsNamed) {
  // Budgets on two devices at once (nasbench201's latency_ms@<device>), fpga's exceeded.
  CellFacts facts;
  facts.budget_ratios["latency_ms@raspi4"] = 0.9;
  facts.budget_ratios["latency_ms@fpga"] = 1.2;
  facts.unseen_neighbours = 10;
  const Reasoning r = ReasonOn(facts);
  EXPECT_EQ(r.problems.count("device_over_budget(fpga,latency_ms)"), 1u);
  EXPECT_EQ(r.problems.count("device_over_budget(raspi4,latency_ms)"), 0u);
  EXPECT_EQ(r.problems.count("over_budget"), 1u);
  EXPECT_NEAR(ActionsOf(r).at("cheapen_costliest/over_budget"), 0.9, 1e-9);
  facts.budget_ratios["latency_ms@fpga"] = 0.8;
  EXPECT_EQ(ReasonOn(facts).problems.count("device_over_budget(fpga,latency_ms)"), 0u);
}

TEST(CellRulesTest, SlackUpgradesAndTightBudgetDoesNot) {
  CellFacts facts;
  facts.feasible = true;
  facts.new_anchor = true;
  facts.unseen_neighbours = 5;
  facts.budget_ratios["latency_ms"] = 0.5;
  EXPECT_NEAR(ActionsOf(ReasonOn(facts)).at("upgrade_cheapest/slack"), 0.5, 1e-9);
  facts.budget_ratios["latency_ms"] = 0.95;  // above slack_below(0.85)
  const auto tight = ActionsOf(ReasonOn(facts));
  EXPECT_EQ(tight.count("upgrade_cheapest/slack"), 0u);
  EXPECT_EQ(tight.count("mutate_edge/low_accuracy"), 0u);  // it is the new anchor
}

TEST(CellRulesTest, NoImprovementAndLocalOptimum) {
  CellFacts facts;
  facts.feasible = true;
  facts.budget_ratios["latency_ms"] = 0.9;
  facts.unseen_neighbours = 0;
  facts.since_improvement = 200;
  const auto actions = ActionsOf(ReasonOn(facts));
  EXPECT_NEAR(actions.at("mutate_edge/low_accuracy"), 0.5, 1e-9);
  EXPECT_NEAR(actions.at("perturb/local_optimum"), 0.8, 1e-9);
  EXPECT_NEAR(actions.at("restart/local_optimum"), 0.2, 1e-9);
  EXPECT_NEAR(actions.at("restart/stagnation"), 0.3, 1e-9);
  // A failed trial is neither feasible nor over budget: only the anchor's state speaks.
  CellFacts failed;
  failed.failed = true;
  failed.unseen_neighbours = 3;
  EXPECT_TRUE(ReasonOn(failed).actions.empty());
}

TEST(CellMovesTest, CheapenCostliestStepsDownOneCostStep) {
  const search::SearchSpace space = CellSpace();
  std::mt19937_64 rng(1);
  std::set<std::string> seen;
  std::function<bool(const Params&)> is_seen = [&](const Params& p) {
    return seen.count(search::ParamsKey(p)) > 0;
  };
  const Params cell = Cell({0, 4, 1, 0, 2, 0});  // the conv_3x3 on edge_1 is the costliest
  CellMoveContext context{space, Ops(), cell, is_seen, rng};
  auto out = FindCellMove("cheapen_costliest").apply(context);
  ASSERT_TRUE(out.cell);
  EXPECT_EQ(*out.cell, Cell({0, 3, 1, 0, 2, 0})) << out.note;
  // That cell seen: the next cheaper operation on the same edge.
  seen.insert(search::ParamsKey(*out.cell));
  out = FindCellMove("cheapen_costliest").apply(context);
  EXPECT_EQ(*out.cell, Cell({0, 2, 1, 0, 2, 0}));
  // The all-`none` cell has nothing cheaper.
  const Params empty = Cell({0, 0, 0, 0, 0, 0});
  CellMoveContext bottom{space, Ops(), empty, is_seen, rng};
  EXPECT_FALSE(FindCellMove("cheapen_costliest").apply(bottom).cell);
}

TEST(CellMovesTest, CheapenExceededUsesTheExceededDevicesOwnCosts) {
  const search::SearchSpace space = CellSpace();
  std::mt19937_64 rng(3);
  std::set<std::string> seen;
  std::function<bool(const Params&)> is_seen = [&](const Params& p) {
    return seen.count(search::ParamsKey(p)) > 0;
  };
  // Two devices whose costs disagree: on "fast" every operation costs its cost rank, on "fpga"
  // only avg_pool_3x3 costs (5 ms each), so cheapen_costliest's fixed order is wrong there.
  const search::CostEstimate costs = [](const Params& p) {
    std::map<std::string, double> out{{"latency_ms@fast", 0.0}, {"latency_ms@fpga", 0.0}};
    for (const auto& [name, value] : p) {
      const int rank = CostRank(Ops(), search::AsString(value));
      out["latency_ms@fast"] += rank;
      out["latency_ms@fpga"] += search::AsString(value) == "avg_pool_3x3" ? 5.0 : 0.1 * rank;
    }
    return out;
  };
  const std::map<std::string, double> budgets = {{"latency_ms@fast", 100.0},
                                                 {"latency_ms@fpga", 6.0}};
  // Two avg_pools (10 ms on fpga, over its budget) and a conv_3x3 (the costliest by rank).
  const Params cell = Cell({2, 4, 2, 0, 0, 0});
  CellMoveContext context{space, Ops(), cell, is_seen, rng, &costs, &budgets};
  auto out = FindCellMove("cheapen_exceeded").apply(context);
  ASSERT_TRUE(out.cell) << out.note;
  // Brute force: the neighbour with the lowest fpga latency replaces an avg_pool by none.
  double best = 1e9;
  for (const auto& n : CategoricalNeighbours(space, cell))
    best = std::min(best, costs(n).at("latency_ms@fpga"));
  EXPECT_DOUBLE_EQ(costs(*out.cell).at("latency_ms@fpga"), best);
  EXPECT_EQ(search::AsString(out.cell->at("edge_1")), "nor_conv_3x3") << out.note;
  EXPECT_NE(out.note.find("latency_ms@fpga"), std::string::npos) << out.note;
  // Within every budget, or without cost estimates, the move proposes nothing.
  const Params fine = Cell({2, 4, 0, 0, 0, 0});
  CellMoveContext within{space, Ops(), fine, is_seen, rng, &costs, &budgets};
  EXPECT_FALSE(FindCellMove("cheapen_exceeded").apply(within).cell);
  CellMoveContext blind{space, Ops(), cell, is_seen, rng};
  EXPECT_FALSE(FindCellMove("cheapen_exceeded").apply(blind).cell);
}

TEST(CellMovesTest, UpgradeCheapestAndMutateEdgeNeverRepeat) {
  const search::SearchSpace space = CellSpace();
  std::mt19937_64 rng(2);
  std::set<std::string> seen;
  std::function<bool(const Params&)> is_seen = [&](const Params& p) {
    return seen.count(search::ParamsKey(p)) > 0;
  };
  const Params cell = Cell({4, 4, 0, 4, 4, 4});
  CellMoveContext context{space, Ops(), cell, is_seen, rng};
  auto up = FindCellMove("upgrade_cheapest").apply(context);
  EXPECT_EQ(*up.cell, Cell({4, 4, 1, 4, 4, 4}));
  // mutate_edge enumerates the 24 single-edge changes, each once, then gives up.
  const auto neighbours = CategoricalNeighbours(space, cell);
  ASSERT_EQ(neighbours.size(), 24u);
  for (std::size_t i = 0; i < neighbours.size(); ++i) {
    auto out = FindCellMove("mutate_edge").apply(context);
    ASSERT_TRUE(out.cell) << "after " << i;
    EXPECT_NE(std::find(neighbours.begin(), neighbours.end(), *out.cell), neighbours.end());
    EXPECT_TRUE(seen.insert(search::ParamsKey(*out.cell)).second) << "repeated " << out.note;
  }
  EXPECT_FALSE(FindCellMove("mutate_edge").apply(context).cell);
  auto far = FindCellMove("perturb").apply(context);
  ASSERT_TRUE(far.cell);
  int changed = 0;
  for (const auto& [name, value] : *far.cell) changed += value != cell.at(name);
  EXPECT_EQ(changed, 2);
  EXPECT_THROW(FindCellMove("grow"), UnknownNameError);
}

/// Runs the strategy for `evals` trials on the synthetic problem; returns the told cells.
std::vector<Params> RunSynthetic(CellSymbolicStrategy& strategy, int evals) {
  SyntheticCells problem;
  auto objective = Constrained();
  std::vector<Params> told;
  for (int t = 0; t < evals; ++t) {
    search::TrialOutcome outcome;
    outcome.trial_id = t;
    outcome.params = strategy.Ask();
    outcome.result = problem.Evaluate(outcome.params);
    outcome.objective = objective->Evaluate(outcome.result);
    strategy.Tell(outcome);
    told.push_back(outcome.params);
  }
  return told;
}

search::StrategyContext Context(std::uint64_t seed) {
  search::StrategyContext context;
  context.space = CellSpace();
  context.seed = seed;
  context.options = {{"budgets", {{"latency_ms", kBudgetMs}}}};
  return context;
}

TEST(CellSymbolicStrategyTest, FindsTheBruteForceOptimumWithoutRepeats) {
  // Brute force over all 5^6 cells.
  SyntheticCells problem;
  Params optimum;
  double best = -1;
  for (int code = 0; code < 15625; ++code) {
    std::vector<int> ranks(6);
    for (int e = 0, c = code; e < 6; ++e, c /= 5) ranks[e] = c % 5;
    const Params cell = Cell(ranks);
    if (problem.Latency(cell) <= kBudgetMs && problem.Accuracy(cell) > best) {
      best = problem.Accuracy(cell);
      optimum = cell;
    }
  }
  int found = 0;
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    auto context = Context(seed);
    CellSymbolicStrategy strategy(context, CellSymbolicOptions::FromJson(context.options));
    const auto told = RunSynthetic(strategy, 600);
    std::set<std::string> keys;
    for (const auto& cell : told) EXPECT_TRUE(keys.insert(search::ParamsKey(cell)).second);
    found += std::find(told.begin(), told.end(), optimum) != told.end();
    // LFI moved at least one weight away from its initial value.
    const auto initial = RuleBase::ShippedSet("nb201").InitialWeights();
    EXPECT_NE(strategy.weights(), initial);
  }
  // Random search finds one given cell in 600 of 15625 draws with probability 0.04.
  EXPECT_GE(found, 4);
}

TEST(CellSymbolicStrategyTest, OverBudgetCellIsCheapenedNext) {
  // A user file makes the rule certain (weight 1, not learnable): the move is deterministic.
  const std::string path = ::testing::TempDir() + "/certain_cheapen.pl";
  std::ofstream(path) << "action(cheapen_costliest, over_budget) :- problem(over_budget).\n";
  auto context = Context(3);
  context.options["rules"] = {path};
  CellSymbolicStrategy strategy(context, CellSymbolicOptions::FromJson(context.options));
  SyntheticCells problem;
  auto objective = Constrained();
  strategy.Ask();
  search::TrialOutcome outcome;
  outcome.trial_id = 0;
  outcome.params = Cell({4, 4, 4, 0, 0, 0});  // latency 8.5 > 7
  outcome.result = problem.Evaluate(outcome.params);
  outcome.objective = objective->Evaluate(outcome.result);
  strategy.Tell(outcome);
  EXPECT_NEAR(strategy.last_facts().budget_ratios.at("latency_ms"), 8.5 / kBudgetMs, 1e-12);
  EXPECT_EQ(strategy.last_facts().costliest_op, "nor_conv_3x3");
  const Params next = strategy.Ask();
  int cheaper = 0, other = 0;
  for (const auto& [name, value] : next) {
    const int before = CostRank(Ops(), search::AsString(outcome.params.at(name)));
    const int after = CostRank(Ops(), search::AsString(value));
    cheaper += before == 4 && after == 3;
    other += before != after && !(before == 4 && after == 3);
  }
  EXPECT_EQ(cheaper, 1);
  EXPECT_EQ(other, 0);
  const auto notes = strategy.TakeAnnotations();
  bool applied = false;
  for (const auto& a : notes.actions) applied |= a.applied && a.action == "cheapen_costliest";
  EXPECT_TRUE(applied);
  std::remove(path.c_str());
}

TEST(CellSymbolicStrategyTest, TheStudysTypedBudgetsReachItUnlessItsOwnOptionReplacesThem) {
  SyntheticCells problem;
  auto objective = Constrained();
  // The latency budget behind the budget_ratio fact of one told trial (-1: no such fact).
  const auto budget = [&](const search::StrategyContext& context) {
    CellSymbolicStrategy strategy(context, CellSymbolicOptions::FromJson(context.options));
    search::TrialOutcome outcome;
    outcome.trial_id = 0;
    outcome.params = strategy.Ask();
    outcome.result = problem.Evaluate(outcome.params);
    outcome.objective = objective->Evaluate(outcome.result);
    strategy.Tell(outcome);
    const auto& ratios = strategy.last_facts().budget_ratios;
    const auto it = ratios.find("latency_ms");
    return it == ratios.end() ? -1.0 : problem.Latency(outcome.params) / it->second;
  };
  auto context = Context(0);
  context.options = nlohmann::json::object();
  EXPECT_EQ(budget(context), -1.0);
  context.budgets = {{"latency_ms", kBudgetMs}};
  EXPECT_NEAR(budget(context), kBudgetMs, 1e-12);
  context.options = {{"budgets", {{"latency_ms", 2 * kBudgetMs}}}};  // the config's own
  EXPECT_NEAR(budget(context), 2 * kBudgetMs, 1e-12);
  context.options = nlohmann::json::object();
  context.budgets = {{"latency_ms", -1.0}};
  try {
    CellSymbolicStrategy strategy(context, CellSymbolicOptions::FromJson(context.options));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what())
                  .find("symbolic_nb201: budget of 'latency_ms' must be a positive number"),
              std::string::npos)
        << error.what();
  }
}

TEST(CellSymbolicStrategyTest, ErrorPaths) {
  auto context = Context(0);
  context.options = {{"budgets", {{"latency_ms", -1.0}}}};
  EXPECT_THROW(CellSymbolicOptions::FromJson(context.options), ConfigError);
  const std::string path = ::testing::TempDir() + "/unknown_move.pl";
  std::ofstream(path) << "t(0.5)::action(add_cell, over_budget) :- problem(over_budget).\n";
  context.options = {{"rules", {path}}};
  EXPECT_THROW(CellSymbolicStrategy(context, CellSymbolicOptions::FromJson(context.options)),
               RuleError);
  std::remove(path.c_str());
  EXPECT_THROW(RuleBase::ShippedSet("nb202"), ConfigError);
  // The default set does not contain the cell rules and vice versa.
  EXPECT_EQ(RuleBase::Shipped().FindRule("action(perturb,local_optimum)"), nullptr);
  EXPECT_NE(RuleBase::ShippedSet("nb201").FindRule("action(perturb,local_optimum)"), nullptr);
}

}  // namespace
}  // namespace symnas::tuner
