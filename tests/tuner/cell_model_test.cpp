// The symbolic cell tuner's surrogate and the moves that use it, against brute force over the
// 5^6 cells: model_jump is the unseen within-budget cell of largest expected improvement,
// mutate_edge the unseen within-budget neighbour of largest expected improvement, and no move
// but the cheapen ones proposes a cell known to be over budget.
#include "symnas/tuner/cell_model.hpp"

#include <gtest/gtest.h>

#include <set>

#include "symnas/tuner/cell_moves.hpp"

namespace symnas::tuner {
namespace {

using search::Params;

search::SearchSpace CellSpace() {
  std::vector<search::Dimension> dims;
  for (int e = 0; e < 6; ++e) {
    dims.push_back(
        search::Dimension::Categorical("edge_" + std::to_string(e), Nb201CostOrder(), "none"));
  }
  return search::SearchSpace(std::move(dims));
}

/// Cost: the sum of the operations' cost ranks (0..4 per edge); budget 10 of 24.
double Cost(const Params& p) {
  double cost = 0;
  for (const auto& [name, value] : p) cost += CostRank(Nb201CostOrder(), search::AsString(value));
  return cost;
}
constexpr double kBudget = 10;

search::BudgetCheck Check() {
  return [](const Params& p) {
    return search::BudgetVerdict{Cost(p) <= kBudget, Cost(p) <= kBudget ? "" : "over"};
  };
}

/// Every cell of the space.
std::vector<Params> AllCells(const search::SearchSpace& space) {
  std::vector<Params> cells = {space.Defaults()};
  for (int e = 0; e < 6; ++e) {
    std::vector<Params> grown;
    for (const auto& cell : cells) {
      for (const auto& op : Nb201CostOrder()) {
        Params next = cell;
        next["edge_" + std::to_string(e)] = op;
        grown.push_back(next);
      }
    }
    cells = std::move(grown);
  }
  return cells;
}

/// A model fitted on 12 random within-budget cells scored by a path-like function.
struct Fixture {
  search::SearchSpace space = CellSpace();
  CellModel model{space, Check(), {0.002, 0.01}, 10};
  std::set<std::string> seen;
  std::function<bool(const Params&)> is_seen = [this](const Params& p) {
    return seen.count(search::ParamsKey(p)) > 0;
  };
  Fixture() {
    std::mt19937_64 rng(3);
    while (seen.size() < 12) {
      const Params cell = space.Sample(rng);
      if (Cost(cell) > kBudget || !seen.insert(search::ParamsKey(cell)).second) continue;
      double score = 0.8;
      for (const auto& [name, value] : cell) {
        score += search::AsString(value) == "nor_conv_3x3" ? 0.01 : 0.0;
      }
      EXPECT_EQ(model.Ready(), seen.size() > 10);
      model.Add(cell, score);
    }
  }
  /// The candidate of largest expected improvement (first on ties), by scoring each alone.
  std::optional<Params> BruteForceBest(const std::vector<Params>& candidates) const {
    std::optional<Params> best;
    double top = -1;
    for (const auto& cell : candidates) {
      if (is_seen(cell) || Cost(cell) > kBudget) continue;
      const double ei = model.ExpectedImprovement({cell})[0];
      if (ei > top) top = ei, best = cell;
    }
    return best;
  }
};

TEST(CellModelTest, ModelJumpIsTheBruteForceBestUnseenCellWithinBudget) {
  Fixture f;
  ASSERT_TRUE(f.model.Ready());
  std::mt19937_64 rng(1);
  const Params from = f.space.Defaults();
  CellMoveContext context{f.space, Nb201CostOrder(), from,    f.is_seen,
                          rng,     nullptr,          nullptr, &f.model};
  const auto jump = FindCellMove("model_jump").apply(context);
  ASSERT_TRUE(jump.cell) << jump.note;
  const auto best = f.BruteForceBest(AllCells(f.space));
  ASSERT_TRUE(best);
  EXPECT_NEAR(f.model.ExpectedImprovement({*jump.cell})[0], f.model.ExpectedImprovement({*best})[0],
              1e-12);
  EXPECT_LE(Cost(*jump.cell), kBudget);
  EXPECT_FALSE(f.is_seen(*jump.cell));
}

TEST(CellModelTest, MutateEdgeTriesTheBestNeighbourFirstAndNeverOneOverBudget) {
  Fixture f;
  std::mt19937_64 rng(5);
  Params cell = f.space.Defaults();
  cell["edge_0"] = std::string("nor_conv_3x3");
  cell["edge_3"] = std::string("nor_conv_1x1");  // cost 7: some neighbours exceed 10
  CellMoveContext context{f.space, Nb201CostOrder(), cell,    f.is_seen,
                          rng,     nullptr,          nullptr, &f.model};
  const std::set<std::string> seen_before = f.seen;
  int proposed = 0;
  while (auto out = FindCellMove("mutate_edge").apply(context).cell) {
    const auto best = f.BruteForceBest(CategoricalNeighbours(f.space, cell));
    ASSERT_TRUE(best);
    EXPECT_NEAR(f.model.ExpectedImprovement({*out})[0], f.model.ExpectedImprovement({*best})[0],
                1e-12);
    EXPECT_LE(Cost(*out), kBudget);
    f.seen.insert(search::ParamsKey(*out));
    ++proposed;
  }
  int within = 0;
  for (const auto& next : CategoricalNeighbours(f.space, cell)) {
    within += Cost(next) <= kBudget && seen_before.count(search::ParamsKey(next)) == 0 ? 1 : 0;
  }
  EXPECT_EQ(proposed, within);  // every within-budget neighbour once, none over budget
  EXPECT_LT(within, 24);
}

TEST(CellModelTest, NotReadyBeforeEnoughScoredCells) {
  search::SearchSpace space = CellSpace();
  CellModel model(space, Check(), {0.002, 0.01}, 10);
  std::mt19937_64 rng(1);
  std::function<bool(const Params&)> never = [](const Params&) { return false; };
  const Params from = space.Defaults();
  CellMoveContext context{space, Nb201CostOrder(), from, never, rng, nullptr, nullptr, &model};
  EXPECT_FALSE(FindCellMove("model_jump").apply(context).cell);
  CellModel off(space, Check(), {0.002, 0.01}, 0);
  for (int i = 0; i < 20; ++i) off.Add(space.Sample(rng), 0.5 + 0.01 * i);
  EXPECT_FALSE(off.Ready());  // model_after 0: never used
}

}  // namespace
}  // namespace symnas::tuner
