// Cell moves: the tuning actions of the `symbolic_nb201` strategy. Each takes a cell (a
// candidate of a space whose categorical "edge" dimensions choose an operation) and produces a
// neighbouring candidate that has not been evaluated yet, or none with the reason why.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "symnas/search/space.hpp"
#include "symnas/search/strategy.hpp"
#include "symnas/search/types.hpp"
#include "symnas/tuner/cell_model.hpp"

namespace symnas::tuner {

/// NAS-Bench-201 operations, cheapest first (FLOPs per output element: none 0, skip_connect 0
/// with a copy, avg_pool_3x3 9, nor_conv_1x1 C, nor_conv_3x3 9C): the default cost order.
const std::vector<std::string>& Nb201CostOrder();

/// Which cell a move starts from.
enum class MoveBase {
  kTold,    ///< the cell of the trial just told (the one diagnosed)
  kAnchor,  ///< the anchor: the best cell of the current local search
  kBest,    ///< the best cell evaluated so far (iterated local search restarts from it)
};

/// What a move sees.
struct CellMoveContext {
  const search::SearchSpace& space;
  /// Operation labels, cheapest first. A free categorical dimension whose choices all appear
  /// here is an edge; cheapen/upgrade moves act on edges only.
  const std::vector<std::string>& cost_order;
  const search::Params& cell;                              ///< the cell the move starts from
  const std::function<bool(const search::Params&)>& seen;  ///< evaluated or proposed before
  std::mt19937_64& rng;
  /// Costs known before evaluation (StrategyContext::estimate_costs); may be empty.
  const search::CostEstimate* estimate_costs = nullptr;
  /// The study's budgets, metric -> budget (latency_ms@fpga -> 3.088); may be empty.
  const std::map<std::string, double>* budgets = nullptr;
  /// The strategy's surrogate (may be null): mutate_edge and perturb try the candidates of
  /// largest expected improvement first once it is ready, model_jump asks it, and every move
  /// but the cheapen ones skips candidates it knows to be over budget.
  CellModel* model = nullptr;
};

/// A move's result: the new cell, or none and why (every candidate seen, no edge to change).
struct CellMoveOutcome {
  std::optional<search::Params> cell;
  std::string note;  ///< "edge_3: nor_conv_3x3 -> nor_conv_1x1", or why nothing was proposed
};

/// One line of the move table; the name is the ProbLog atom of rules/nb201_tuning.pl.
struct CellMove {
  const char* name;
  const char* description;
  MoveBase base;
  CellMoveOutcome (*apply)(const CellMoveContext& context);
};

/// The explicit table of cell moves.
const std::vector<CellMove>& CellMoves();
/// Names of all moves, in table order.
std::vector<std::string> CellMoveNames();
/// The move called `name`; UnknownNameError listing every move otherwise.
const CellMove& FindCellMove(const std::string& name);

/// Position of `label` in `cost_order`, -1 when absent.
int CostRank(const std::vector<std::string>& cost_order, const std::string& label);
/// The free categorical dimensions whose every choice is in `cost_order`, in space order.
std::vector<std::string> EdgeNames(const search::SearchSpace& space,
                                   const std::vector<std::string>& cost_order);
/// Every candidate differing from `cell` in one free categorical dimension (all its other
/// choices), in space order. Numeric dimensions are not enumerated.
std::vector<search::Params> CategoricalNeighbours(const search::SearchSpace& space,
                                                  const search::Params& cell);

}  // namespace symnas::tuner
