// Grounding: Program + queries + evidence -> the relevant ground program (tabled SLG-style
// resolution; deterministic derivations leave no literals; cycles are kept as references).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "symnas/logic/limits.hpp"
#include "symnas/logic/program.hpp"
#include "symnas/logic/term.hpp"

namespace symnas::logic {

/// A literal of the ground program: +n is node n (1-based), -n its negation.
using Lit = int;

/// One ground instance of a probabilistic clause: a choice of at most one of its heads.
struct ChoiceGroup {
  int clause = 0;                 ///< index into Program::clauses()
  std::vector<double> probs;      ///< per head, the probability at grounding time
  std::vector<int> tunable;       ///< per head, Program tunable index or -1
  std::vector<int> choice_nodes;  ///< per head, the choice node or 0 if never used
  int body_node = 0;              ///< atom node collecting the clause bodies (LFI only)
  /// LFI only: per head, its arguments under the instance's binding, as text ("1,1")
  std::vector<std::string> head_args;
};

/// A node of the ground program: a probabilistic choice or a derived atom with its bodies.
struct GroundNode {
  enum class Kind : std::uint8_t { kChoice, kAtom };
  Kind kind = Kind::kAtom;
  int group = -1;                     ///< kChoice: index into GroundProgram::groups
  int head = -1;                      ///< kChoice: head index in the group
  const Term* term = nullptr;         ///< kAtom: the atom (nullptr for auxiliary nodes)
  std::set<std::vector<Lit>> bodies;  ///< kAtom: disjunction of conjunctions of literals
  bool is_true = false;               ///< kAtom: has an empty body (deterministically true)
};

/// A query answer: its printed text and the atom node whose truth is the answer's.
struct GroundQuery {
  std::string text;
  int node = 0;
};

/// An evidence item: the atom node and its observed value.
struct GroundEvidence {
  std::string text;
  int node = 0;
  bool value = true;
};

/// The relevant ground program. Terms point into the Program's and this object's arenas, so
/// keep the Program alive while using them.
struct GroundProgram {
  std::vector<GroundNode> nodes;  ///< node n is nodes[n - 1]
  std::vector<ChoiceGroup> groups;
  std::vector<GroundQuery> queries;  ///< in query order, answers in discovery order
  std::vector<GroundEvidence> evidence;
  std::shared_ptr<TermArena> arena = std::make_shared<TermArena>();

  GroundNode& node(int id) { return nodes[static_cast<std::size_t>(id) - 1]; }
  const GroundNode& node(int id) const { return nodes[static_cast<std::size_t>(id) - 1]; }
  /// Adds a derived-atom node and returns its id.
  int AddAtom(const Term* term);
  /// Adds a body (sorted, duplicate-free) to atom `id`; returns false if it was known.
  bool AddBody(int id, std::vector<Lit> body);
};

/// The instances of t(_, X, ...) templates met while grounding (LFI shares one across its
/// examples). Instance i has tunable index `first_index + i` in ChoiceGroup::tunable and in the
/// weight vector; its start value is its template's.
struct TunableInstances {
  int first_index = 0;  ///< Program::tunables().size()
  std::vector<TunableInstance> items;
  std::unordered_map<std::string, int> index;                        ///< "template:values" -> item
  std::shared_ptr<TermArena> arena = std::make_shared<TermArena>();  ///< holds the values
};

/// Options of the grounder.
struct GroundOptions {
  /// Values for t(...) parameters (Program::tunable_values() if empty).
  std::vector<double> tunable_values;
  /// Record, for each choice group, the disjunction of its clause bodies (needed by LFI).
  bool record_group_bodies = false;
  /// LFI: a clause with t(...) heads has one instance per binding of its head variables
  /// (Clause::head_vars), as ProbLog's LFI; inference uses every variable (instance_vars).
  bool instances_by_head = false;
  /// Also ground every instance of every clause with t(...) parameters (LFI option).
  bool ground_all_tunables = false;
  /// Bound on nested table evaluations (protects the C++ stack).
  int max_depth = 4000;
  /// Where t(_, X) templates get one weight per binding (nullptr: they use the template's).
  TunableInstances* instances = nullptr;
  /// Time and memory of the enclosing inference (nullptr: unbounded).
  ResourceMeter* meter = nullptr;
};

/// Grounds `program` for its queries and evidence. Throws UnknownClause,
/// NonGroundProbabilisticClause, NonGroundQuery, InconsistentEvidenceError (contradictory or
/// unprovable evidence) and GroundingError (arithmetic, instantiation, negative cycle).
GroundProgram Ground(const Program& program, const GroundOptions& options = {});

}  // namespace symnas::logic
