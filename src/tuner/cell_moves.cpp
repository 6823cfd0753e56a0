// The cell moves of `symbolic_nb201`: a cell + the set of evaluated cells -> the next cell.
#include "symnas/tuner/cell_moves.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "symnas/common/error.hpp"
#include "symnas/common/name_table.hpp"

namespace symnas::tuner {

namespace {

/// Tries before a sampling move gives up on finding an unseen cell.
constexpr int kSampleTries = 1000;

bool HasChoice(const search::Dimension& dim, const std::string& label) {
  return std::find(dim.choices.begin(), dim.choices.end(), label) != dim.choices.end();
}

/// A candidate worth proposing: not seen, and not known to be over budget (the model's check).
bool Open(const CellMoveContext& c, const search::Params& next) {
  return !c.seen(next) && (c.model == nullptr || c.model->WithinBudget(next));
}

/// Once the model is ready, `candidates` stably sorted by decreasing expected improvement (the
/// caller's random order breaks ties); unchanged before.
void OrderByModel(const CellMoveContext& c, std::vector<search::Params>& candidates) {
  if (c.model == nullptr || !c.model->Ready() || candidates.empty()) return;
  const std::vector<double> ei = c.model->ExpectedImprovement(candidates);
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return ei[a] > ei[b]; });
  std::vector<search::Params> sorted;
  for (std::size_t k : order) sorted.push_back(std::move(candidates[k]));
  candidates = std::move(sorted);
}

/// "edge_2: nor_conv_1x1 -> none" for the first dimension where `to` differs from `from`; ""
/// when they are equal.
std::string ChangeNote(const search::Params& from, const search::Params& to) {
  for (const auto& [name, value] : to) {
    if (value != from.at(name)) {
      return fmt::format("{}: {} -> {}", name, search::ValueToString(from.at(name)),
                         search::ValueToString(value));
    }
  }
  return "";
}

/// The edges in random order, then stably sorted by the rank of their current operation
/// (decreasing when `costliest_first`): ties are broken at random, with the move's RNG.
std::vector<std::string> EdgesByCost(const CellMoveContext& c, bool costliest_first) {
  std::vector<std::string> edges = EdgeNames(c.space, c.cost_order);
  std::shuffle(edges.begin(), edges.end(), c.rng);
  auto rank = [&](const std::string& edge) {
    return CostRank(c.cost_order, search::AsString(c.cell.at(edge)));
  };
  std::stable_sort(edges.begin(), edges.end(), [&](const auto& a, const auto& b) {
    return costliest_first ? rank(a) > rank(b) : rank(a) < rank(b);
  });
  return edges;
}

/// Changes one edge at a time, trying operations one cost step away first (`step` = -1:
/// cheaper, +1: costlier), then further; the first unseen cell wins.
CellMoveOutcome StepOperation(const CellMoveContext& c, int step) {
  const std::vector<std::string> edges = EdgesByCost(c, step < 0);
  if (edges.empty()) return {std::nullopt, "the space has no edge dimension"};
  const int ops = static_cast<int>(c.cost_order.size());
  for (const auto& edge : edges) {
    const std::string& from = search::AsString(c.cell.at(edge));
    const search::Dimension& dim = c.space.At(edge);
    for (int r = CostRank(c.cost_order, from) + step; r >= 0 && r < ops; r += step) {
      if (!HasChoice(dim, c.cost_order[r])) continue;
      search::Params next = c.cell;
      next[edge] = c.cost_order[r];
      // A costlier cell known to exceed a budget is not worth a trial; a cheaper one is the
      // step towards the budget.
      if (step < 0 ? !c.seen(next) : Open(c, next)) return {next, ChangeNote(c.cell, next)};
    }
  }
  return {std::nullopt, step < 0 ? "every cheaper single-edge change was evaluated already"
                                 : "every costlier single-edge change was evaluated already"};
}

CellMoveOutcome CheapenCostliest(const CellMoveContext& c) { return StepOperation(c, -1); }

/// The metric of the worst exceeded budget of `costs` ("" when none is exceeded or known).
std::string WorstExceeded(const std::map<std::string, double>& costs,
                          const std::map<std::string, double>& budgets, double& worst_ratio) {
  std::string worst;
  worst_ratio = 1.0;
  for (const auto& [metric, budget] : budgets) {
    const auto it = costs.find(metric);
    if (it == costs.end() || !(budget > 0)) continue;
    if (it->second / budget > worst_ratio) worst_ratio = it->second / budget, worst = metric;
  }
  return worst;
}

/// Among the unseen single-edge changes of the cell, the one whose estimated cost lowers most
/// the metric of its worst exceeded budget (on several devices: the device the cell exceeds
/// most, with that device's own costs, not a fixed operation order); ties at random.
CellMoveOutcome CheapenExceeded(const CellMoveContext& c) {
  if (c.estimate_costs == nullptr || !*c.estimate_costs || c.budgets == nullptr) {
    return {std::nullopt, "no cost is known before evaluation"};
  }
  double ratio = 1.0;
  const std::string metric = WorstExceeded((*c.estimate_costs)(c.cell), *c.budgets, ratio);
  if (metric.empty()) return {std::nullopt, "the cell exceeds no budget whose cost is known"};
  std::vector<search::Params> candidates = CategoricalNeighbours(c.space, c.cell);
  std::shuffle(candidates.begin(), candidates.end(), c.rng);
  const double budget = c.budgets->at(metric);
  std::optional<search::Params> best;
  double best_cost = ratio * budget;
  for (const auto& next : candidates) {
    if (c.seen(next)) continue;
    const auto costs = (*c.estimate_costs)(next);
    const auto it = costs.find(metric);
    if (it != costs.end() && it->second < best_cost) best = next, best_cost = it->second;
  }
  if (!best) return {std::nullopt, "no unseen single-edge change lowers " + metric};
  return {best, fmt::format("{} {:.4g} -> {:.4g} (budget {:.4g}): {}", metric, ratio * budget,
                            best_cost, budget, ChangeNote(c.cell, *best))};
}
CellMoveOutcome UpgradeCheapest(const CellMoveContext& c) { return StepOperation(c, +1); }

/// A different value of one free dimension: another choice, or a fresh sample of a number.
search::Value OtherValue(const search::Dimension& dim, const search::Value& current,
                         std::mt19937_64& rng, const search::SearchSpace& space) {
  if (dim.kind == search::DimKind::kCategorical && dim.choices.size() > 1) {
    std::vector<std::string> others;
    for (const auto& choice : dim.choices) {
      if (search::Value{choice} != current) others.push_back(choice);
    }
    return others[std::uniform_int_distribution<std::size_t>(0, others.size() - 1)(rng)];
  }
  return space.Sample(rng).at(dim.name);
}

CellMoveOutcome MutateEdge(const CellMoveContext& c) {
  std::vector<search::Params> candidates = CategoricalNeighbours(c.space, c.cell);
  for (const auto& name : c.space.FreeNames()) {
    const search::Dimension& dim = c.space.At(name);
    if (dim.kind == search::DimKind::kCategorical) continue;
    search::Params next = c.cell;
    next[name] = OtherValue(dim, c.cell.at(name), c.rng, c.space);
    candidates.push_back(std::move(next));
  }
  std::shuffle(candidates.begin(), candidates.end(), c.rng);
  OrderByModel(c, candidates);
  for (const auto& next : candidates) {
    if (!Open(c, next)) continue;
    if (std::string note = ChangeNote(c.cell, next); !note.empty()) return {next, note};
  }
  return {std::nullopt, "every single-dimension change of the cell was evaluated already"};
}

/// Every change of two free categorical dimensions of the cell; empty when a free dimension of
/// another kind exists (perturb samples those).
std::vector<search::Params> TwoDimensionChanges(const CellMoveContext& c) {
  const std::vector<std::string> free = c.space.FreeNames();
  for (const auto& name : free) {
    if (c.space.At(name).kind != search::DimKind::kCategorical) return {};
  }
  std::vector<search::Params> out;
  for (std::size_t i = 0; i < free.size(); ++i) {
    for (std::size_t j = i + 1; j < free.size(); ++j) {
      for (const auto& a : c.space.At(free[i]).choices) {
        if (search::Value{a} == c.cell.at(free[i])) continue;
        for (const auto& b : c.space.At(free[j]).choices) {
          if (search::Value{b} == c.cell.at(free[j])) continue;
          search::Params next = c.cell;
          next[free[i]] = a;
          next[free[j]] = b;
          out.push_back(std::move(next));
        }
      }
    }
  }
  return out;
}

CellMoveOutcome Perturb(const CellMoveContext& c) {
  std::vector<std::string> free = c.space.FreeNames();
  if (free.size() < 2) return {std::nullopt, "fewer than two free dimensions"};
  if (c.model != nullptr && c.model->Ready()) {
    std::vector<search::Params> candidates = TwoDimensionChanges(c);
    std::shuffle(candidates.begin(), candidates.end(), c.rng);
    OrderByModel(c, candidates);
    for (const auto& next : candidates) {
      if (Open(c, next)) return {next, "two dimensions changed (path model's order)"};
    }
  }
  for (int t = 0; t < kSampleTries; ++t) {
    std::shuffle(free.begin(), free.end(), c.rng);
    search::Params next = c.cell;
    for (int k = 0; k < 2; ++k) {
      next[free[k]] = OtherValue(c.space.At(free[k]), c.cell.at(free[k]), c.rng, c.space);
    }
    if (Open(c, next)) return {next, fmt::format("changed {} and {}", free[0], free[1])};
  }
  return {std::nullopt, "no unseen two-dimension change found"};
}

CellMoveOutcome Restart(const CellMoveContext& c) {
  for (int t = 0; t < kSampleTries; ++t) {
    search::Params next = c.space.Sample(c.rng);
    if (Open(c, next)) return {next, "random cell"};
  }
  return {std::nullopt, "no unseen random cell found"};
}

CellMoveOutcome ModelJump(const CellMoveContext& c) {
  if (c.model == nullptr || !c.model->Ready()) {
    return {std::nullopt, "the path model has too few scored cells"};
  }
  std::optional<search::Params> next = c.model->BestUnseen(c.seen, c.rng);
  if (!next) return {std::nullopt, "no unseen cell within budget"};
  return {next, "largest expected improvement of the path model"};
}

}  // namespace

const std::vector<std::string>& Nb201CostOrder() {
  static const std::vector<std::string> kOrder = {"none", "skip_connect", "avg_pool_3x3",
                                                  "nor_conv_1x1", "nor_conv_3x3"};
  return kOrder;
}

const std::vector<CellMove>& CellMoves() {
  static const std::vector<CellMove> kMoves = {
      {"cheapen_costliest",
       "the told cell with its costliest operation made cheaper (one cost step first)",
       MoveBase::kTold, &CheapenCostliest},
      {"cheapen_exceeded",
       "the told cell's single-edge change that lowers most the cost of its worst exceeded "
       "budget (the device it exceeds most, by that device's own estimated costs)",
       MoveBase::kTold, &CheapenExceeded},
      {"upgrade_cheapest",
       "the told cell with its cheapest operation made costlier (one cost step first)",
       MoveBase::kTold, &UpgradeCheapest},
      {"mutate_edge", "the anchor with one dimension changed (the base local search)",
       MoveBase::kAnchor, &MutateEdge},
      {"perturb",
       "the best cell with two dimensions changed (iterated local search: leaves a local "
       "optimum, restarting from the best one)",
       MoveBase::kBest, &Perturb},
      {"restart", "a random cell of the space", MoveBase::kAnchor, &Restart},
      {"model_jump",
       "the unseen within-budget cell of the whole space with the largest expected improvement "
       "under the path model (a Bayesian linear regression on path encodings of the scored "
       "cells)",
       MoveBase::kBest, &ModelJump},
  };
  return kMoves;
}

std::vector<std::string> CellMoveNames() {
  std::vector<std::string> names;
  for (const auto& move : CellMoves()) names.push_back(move.name);
  return names;
}

const CellMove& FindCellMove(const std::string& name) {
  return FindByName(CellMoves(), "cell move", name);
}

int CostRank(const std::vector<std::string>& cost_order, const std::string& label) {
  auto it = std::find(cost_order.begin(), cost_order.end(), label);
  return it == cost_order.end() ? -1 : static_cast<int>(it - cost_order.begin());
}

std::vector<std::string> EdgeNames(const search::SearchSpace& space,
                                   const std::vector<std::string>& cost_order) {
  std::vector<std::string> edges;
  for (const auto& name : space.FreeNames()) {
    const search::Dimension& dim = space.At(name);
    if (dim.kind != search::DimKind::kCategorical) continue;
    const bool ranked = std::all_of(dim.choices.begin(), dim.choices.end(),
                                    [&](const auto& l) { return CostRank(cost_order, l) >= 0; });
    if (ranked) edges.push_back(name);
  }
  return edges;
}

std::vector<search::Params> CategoricalNeighbours(const search::SearchSpace& space,
                                                  const search::Params& cell) {
  std::vector<search::Params> out;
  for (const auto& name : space.FreeNames()) {
    const search::Dimension& dim = space.At(name);
    if (dim.kind != search::DimKind::kCategorical) continue;
    for (const auto& choice : dim.choices) {
      if (search::Value{choice} == cell.at(name)) continue;
      search::Params next = cell;
      next[name] = choice;
      out.push_back(std::move(next));
    }
  }
  return out;
}

}  // namespace symnas::tuner
