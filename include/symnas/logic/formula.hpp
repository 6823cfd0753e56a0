// Logic formula: GroundProgram -> propositional AND/OR graph over probabilistic choices (with
// constants folded), then cycle breaking -> an acyclic formula with the same roots.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "symnas/logic/ground.hpp"

namespace symnas::logic {

/// A propositional formula over the choices of a GroundProgram. Invariant: node 1 is TRUE, so
/// literal +1 is true and -1 is false; any other literal +n / -n is node n or its negation.
class LogicFormula {
 public:
  enum class Kind : std::uint8_t { kTrue, kChoice, kAnd, kOr };
  struct Node {
    Kind kind = Kind::kTrue;
    std::vector<Lit> children;  ///< kAnd / kOr
    int group = -1;             ///< kChoice: GroundProgram group
    int head = -1;              ///< kChoice: head index within the group
  };
  static constexpr Lit kTrue = 1;
  static constexpr Lit kFalse = -1;

  LogicFormula();
  /// The choice node for (group, head), created once.
  Lit AddChoice(int group, int head);
  /// Conjunction with constant folding (TRUE dropped, FALSE absorbs, one child -> that child).
  Lit AddAnd(std::vector<Lit> children);
  /// Disjunction with constant folding.
  Lit AddOr(std::vector<Lit> children);
  /// An OR node whose children are set later (for cyclic references).
  int ReserveOr();
  void SetChildren(int node, std::vector<Lit> children) { nodes_[node - 1].children = std::move(children); }

  const Node& node(int id) const { return nodes_[static_cast<std::size_t>(id) - 1]; }
  int size() const { return static_cast<int>(nodes_.size()); }
  /// True if following children from any node can come back to it.
  bool HasCycles() const;

 private:
  std::vector<Node> nodes_;
  std::vector<std::vector<int>> choice_by_group_;  // [group][head] -> node, 0 if none
};

/// Builds the formula of `roots` (literals of `gp`); returns their formula literals in `mapped`.
/// Atoms that are deterministically true or false become the constants.
LogicFormula BuildFormula(const GroundProgram& gp, const std::vector<Lit>& roots,
                          std::vector<Lit>& mapped);

/// Breaks cycles: returns an acyclic formula where every root has its least-model meaning (a
/// derivation may not use the atom it is deriving). Follows ProbLog's break_cycles: a reference
/// to an ancestor on the current path is false; results are reused only when no cycle through
/// an ancestor was cut below them. Throws GroundingError(NegativeCycle) on negation in a cycle.
LogicFormula BreakCycles(const LogicFormula& formula, const std::vector<Lit>& roots,
                         std::vector<Lit>& mapped);

}  // namespace symnas::logic
