// Weighted model counting on ROBDDs, parameterised by a semiring: BDD + per-variable weights ->
// the weighted count of every node in one bottom-up pass. Inference and LFI both use it.
#pragma once

#include <cmath>
#include <vector>

#include "symnas/logic/bdd.hpp"
#include "symnas/logic/ground.hpp"

namespace symnas::logic {

/// The probability semiring (+, *) over doubles. Weights are normalised (w(v) + w(!v) = 1), so
/// variables skipped on a BDD path need no smoothing.
struct ProbabilitySemiring {
  using Value = double;
  static constexpr bool kNormalized = true;
  static Value Zero() { return 0.0; }
  static Value One() { return 1.0; }
  static Value Plus(Value a, Value b) { return a + b; }
  static Value Times(Value a, Value b) { return a * b; }
};

/// The semiring of (probability, derivative w.r.t. one chosen variable's weight): forward-mode
/// dual numbers, for sensitivity analysis (d P(query) / d p_v). Normalised like probabilities.
struct GradientSemiring {
  struct Value {
    double p = 0.0;
    double dp = 0.0;
  };
  static constexpr bool kNormalized = true;
  static Value Zero() { return {0.0, 0.0}; }
  static Value One() { return {1.0, 0.0}; }
  static Value Plus(Value a, Value b) { return {a.p + b.p, a.dp + b.dp}; }
  static Value Times(Value a, Value b) { return {a.p * b.p, a.dp * b.p + a.p * b.dp}; }
};

/// Weights of the positive and negative literal of each BDD variable.
template <class S>
struct LiteralWeights {
  std::vector<typename S::Value> pos;
  std::vector<typename S::Value> neg;
};

/// Weighted model count of every node of `manager` (index = node Ref). Nodes are created after
/// their children, so one pass in index order is bottom-up. For non-normalised semirings the
/// count is smoothed over variables skipped between a node and its children.
template <class S>
std::vector<typename S::Value> WeightedCountAll(const BddManager& manager,
                                                const LiteralWeights<S>& w) {
  std::vector<typename S::Value> value(manager.size(), S::Zero());
  value[BddManager::kTrue] = S::One();
  int num_vars = static_cast<int>(w.pos.size());
  auto smooth = [&](typename S::Value x, int from_var, int to_var) {
    if constexpr (S::kNormalized) {
      return x;
    } else {
      int end = to_var == BddManager::kTerminalVar ? num_vars : to_var;
      for (int v = from_var + 1; v < end; ++v) x = S::Times(x, S::Plus(w.pos[v], w.neg[v]));
      return x;
    }
  };
  for (std::size_t r = 2; r < manager.size(); ++r) {
    const BddManager::Node& n = manager.node(static_cast<BddManager::Ref>(r));
    auto v = static_cast<std::size_t>(n.var);
    auto low = smooth(value[n.low], n.var, manager.node(n.low).var);
    auto high = smooth(value[n.high], n.var, manager.node(n.high).var);
    value[r] = S::Plus(S::Times(w.neg[v], low), S::Times(w.pos[v], high));
  }
  return value;
}

/// The weighted count of one root (smoothed from variable 0 for non-normalised semirings).
template <class S>
typename S::Value WeightedCount(const BddManager& manager, BddManager::Ref root,
                                const LiteralWeights<S>& w) {
  auto all = WeightedCountAll<S>(manager, w);
  typename S::Value x = all[root];
  if constexpr (!S::kNormalized) {
    int top = manager.node(root).var;
    int end = top == BddManager::kTerminalVar ? static_cast<int>(w.pos.size()) : top;
    for (int v = 0; v < end; ++v) x = S::Times(x, S::Plus(w.pos[v], w.neg[v]));
  }
  return x;
}

/// Probability weights of the BDD variables of `vars` given each group's head probabilities:
/// P(d_i) = p_i / (1 - sum_{j<i} p_j), clamped to [0, 1].
LiteralWeights<ProbabilitySemiring> ProbabilityWeights(const GroundProgram& gp,
                                                       const BddVarMap& vars,
                                                       const std::vector<double>* tunable_values);

}  // namespace symnas::logic
