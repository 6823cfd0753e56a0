// Reduced ordered binary decision diagrams: a manager with a unique table and computed caches
// for apply (AND, OR, NOT), and compilation of an acyclic LogicFormula into it.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "symnas/logic/formula.hpp"
#include "symnas/logic/limits.hpp"

namespace symnas::logic {

/// ROBDD manager. Invariants: node 0 is FALSE, node 1 is TRUE; every other node has
/// var < the var of both children (terminals have var kTerminalVar), low != high, and no two
/// nodes share (var, low, high). Variable order = variable number.
class BddManager {
 public:
  using Ref = std::uint32_t;
  static constexpr Ref kFalse = 0;
  static constexpr Ref kTrue = 1;
  static constexpr int kTerminalVar = 1 << 30;

  struct Node {
    int var;
    Ref low;
    Ref high;
  };

  /// `max_nodes` bounds memory; exceeding it throws GroundingError (class BddTooLarge).
  explicit BddManager(std::size_t max_nodes = 20'000'000);

  /// The function "variable v is true" (v >= 0).
  Ref Var(int v);
  Ref Not(Ref a);
  Ref And(Ref a, Ref b);
  Ref Or(Ref a, Ref b);

  const Node& node(Ref r) const { return nodes_[r]; }
  std::size_t size() const { return nodes_.size(); }
  /// Number of nodes reachable from r (including terminals).
  std::size_t CountNodes(Ref r) const;
  /// Bounds node creation by `meter`, counting `base_bytes` already used by earlier stages.
  void SetMeter(ResourceMeter* meter, std::size_t base_bytes) {
    meter_ = meter;
    base_bytes_ = base_bytes;
  }
  /// Estimated bytes of the nodes, unique table and computed caches.
  std::size_t BytesInUse() const {
    constexpr std::size_t kEntry = 48;  // an unordered_map entry with its bucket, roughly
    return nodes_.size() * (sizeof(Node) + kEntry) +
           (and_cache_.size() + or_cache_.size() + not_cache_.size()) * kEntry;
  }

 private:
  Ref MakeNode(int var, Ref low, Ref high);
  static std::uint64_t Key(std::uint64_t a, std::uint64_t b) { return (a << 32) | b; }

  std::vector<Node> nodes_;
  std::size_t max_nodes_;
  ResourceMeter* meter_ = nullptr;
  std::size_t base_bytes_ = 0;
  struct TripleHash {
    std::size_t operator()(const std::tuple<int, Ref, Ref>& t) const {
      auto [v, l, h] = t;
      std::uint64_t x = (static_cast<std::uint64_t>(l) << 32) ^ h ^
                        (static_cast<std::uint64_t>(v) * 0x9E3779B97F4A7C15ull);
      return std::hash<std::uint64_t>()(x);
    }
  };
  std::unordered_map<std::tuple<int, Ref, Ref>, Ref, TripleHash> unique_;
  std::unordered_map<std::uint64_t, Ref> and_cache_, or_cache_;
  std::unordered_map<Ref, Ref> not_cache_;
};

/// How a choice group of the ground program maps to BDD variables: an annotated disjunction
/// with heads h0..hn-1 uses variables d0..dn-1 with P(d_i) = p_i / (1 - sum_{j<i} p_j), and head
/// i holds iff !d0 & ... & !d_{i-1} & d_i (so the heads are mutually exclusive and "none" keeps
/// the left-over mass).
struct BddVarMap {
  std::vector<std::vector<int>> group_vars;    ///< [group][head] -> BDD variable, -1 if unused
  std::vector<std::pair<int, int>> var_owner;  ///< [var] -> (group, head)
};

/// Compiles formula literals to BDDs. Variables are numbered in order of first encounter in a
/// depth-first walk from the roots (heads of one group get consecutive numbers).
class BddCompiler {
 public:
  BddCompiler(const LogicFormula& formula, BddManager& manager, BddVarMap& vars)
      : formula_(formula), manager_(manager), vars_(vars), memo_(formula.size() + 1, kUnset) {}

  BddManager::Ref Compile(Lit lit);
  /// Numbers the variables breadth-first from `roots` (call before Compile). Depth-first
  /// numbering puts a chain's first alternatives a0..an before all the second ones bn..b0, an
  /// order whose diagram is exponential in n; breadth-first keeps a layer's variables together.
  void OrderVariables(const std::vector<Lit>& roots);
  /// The BDD of "head h of group g is chosen" (uses the same variables).
  BddManager::Ref Choice(int group, int head);

 private:
  static constexpr BddManager::Ref kUnset = ~BddManager::Ref{0};
  int VarFor(int group, int head);

  const LogicFormula& formula_;
  BddManager& manager_;
  BddVarMap& vars_;
  std::vector<BddManager::Ref> memo_;
};

}  // namespace symnas::logic
