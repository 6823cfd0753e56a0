// The clause database of a ProbLog program: deterministic clauses, probabilistic facts and rules,
// annotated disjunctions, learnable t(...) parameters, queries and evidence, indexed by predicate.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "symnas/common/error.hpp"
#include "symnas/logic/parser.hpp"
#include "symnas/logic/term.hpp"

namespace symnas::logic {

struct ExternFunction;  // a Python external (src/logic/externs.hpp)

/// One clause. A deterministic clause has one head and no probabilities. A probabilistic fact
/// `p::a.` or rule `p::h :- b.` is an annotated disjunction (AD) with one head; `p1::h1; p2::h2 :-
/// b.` has several. Each ground instance of a probabilistic clause (one per binding of all its
/// variables) is an independent choice among its heads, with the left-over mass meaning "none".
struct Clause {
  std::vector<const Term*> heads;  ///< one for deterministic clauses
  std::vector<const Term*> probs;  ///< per head: probability expression or t(...); empty if det
  std::vector<int> tunable;        ///< per head: index into Program::tunables() or -1
  const Term* body = nullptr;      ///< nullptr for facts
  int num_vars = 0;                ///< variables are numbered 0..num_vars-1
  std::vector<int> instance_vars;  ///< variables of heads and body: they identify an instance
  /// Variables of the heads (and of t(_, X) arguments): in LFI a clause with t(...) heads has one
  /// instance per binding of these, whatever binding of the body proved it (ProbLog's lfi_rule).
  std::vector<int> head_vars;
  VarNames var_names;       ///< source names, for printing
  SourceLocation location;  ///< where the clause starts
  bool library = false;     ///< part of a loaded library, not printed

  bool probabilistic() const { return !probs.empty(); }
};

/// Throws InvalidValue, located at the offending head, unless every known probability of
/// `clause` (one per head; NaN = not known yet) lies in [0, 1] and together they sum to at most
/// 1. Checked when a clause is read (literal numbers) and when it is grounded (computed ones).
void CheckProbabilities(const Clause& clause, const std::vector<double>& probs);

/// A learnable parameter t(...) of one AD head, in program order.
struct Tunable {
  int clause = 0;             ///< index into Program::clauses()
  int head = 0;               ///< index of the head within the clause
  std::string key;            ///< as ProbLog prints it: "t(0.5)::lights_on(R)" (head only)
  bool random_start = false;  ///< t(_): start value drawn at random by LFI
  double start = 0.5;         ///< start value of t(p)
  /// t(_, X, ...): the extra arguments (clause-local terms, constants and `_` left out, as
  /// ProbLog). Such a tunable is a template: LFI learns one weight per binding of them.
  std::vector<const Term*> args;
};

/// One weight of a t(_, X, ...) template: the template and the ground values of its arguments.
struct TunableInstance {
  int tunable = 0;                  ///< the template, index into Program::tunables()
  std::vector<const Term*> values;  ///< one per Tunable::args, ground
  std::string args_key;             ///< the values as text ("alice" or "w1,t2")
};

/// query(Goal): all answers of Goal are reported.
struct QuerySpec {
  const Term* goal = nullptr;
  int num_vars = 0;
  VarNames var_names;
  SourceLocation location;
  const Term* body = nullptr;  ///< `query(G) :- Body.`: one query per solution of Body
};

/// evidence(Atom, Value).
struct EvidenceSpec {
  const Term* atom = nullptr;
  int num_vars = 0;
  bool value = true;
  SourceLocation location;
};

/// Which clauses can resolve a goal: (clause index, head index) pairs in program order.
struct ClauseRef {
  int clause = 0;
  int head = 0;
};

/// A ProbLog program. Copying is cheap (term storage is shared and immutable), so a fixed rule
/// base can be parsed once and copied per evaluation before adding run-specific facts; distinct
/// copies may be used from distinct threads.
class Program {
 public:
  Program();

  /// Parses `text` (file_name is used in error locations). Throws ParseError and friends.
  static Program FromText(std::string_view text, const std::string& file_name = "<string>");
  /// Reads and parses a file; throws ConfigError if it cannot be read.
  static Program FromFile(const std::string& path);

  /// Adds the clauses, queries and evidence of `text` after the existing ones. `first_line` and
  /// `first_column` say where `text` starts in `file_name` (locations of errors and clauses).
  void AddText(std::string_view text, const std::string& file_name = "<string>", int first_line = 1,
               int first_column = 1);
  /// Adds one clause given as text, e.g. AddClause("flops(12000000)"); the final '.' is optional.
  void AddClause(std::string_view clause_text);
  /// Adds query(goal_text).
  void AddQuery(std::string_view goal_text);
  /// Adds evidence(atom_text, value).
  void AddEvidence(std::string_view atom_text, bool value);
  /// Removes all queries and evidence (clauses stay).
  void ClearQueriesAndEvidence();

  const std::vector<Clause>& clauses() const { return clauses_; }
  const std::vector<Tunable>& tunables() const { return tunables_; }
  const std::vector<QuerySpec>& queries() const { return queries_; }
  const std::vector<EvidenceSpec>& evidence() const { return evidence_; }

  /// Current values of the tunables (start values until LFI sets them; NaN for t(_)).
  const std::vector<double>& tunable_values() const { return tunable_values_; }
  void set_tunable_values(std::vector<double> values) { tunable_values_ = std::move(values); }

  /// The clauses defining name/arity: user clauses, else those of a loaded library.
  struct Definition {
    const std::vector<ClauseRef>* refs = nullptr;  ///< nullptr: predicate undefined
    const std::vector<Clause>* clauses = nullptr;  ///< the table the refs index into
  };
  Definition Lookup(Symbol name, std::uint32_t arity) const;
  /// The Python external name/arity loaded by `:- use_module('lib.py').`, or nullptr.
  const ExternFunction* FindExtern(Symbol name, std::uint32_t arity) const;
  /// `:- unknown(fail).` was read: calling an undefined predicate fails instead of raising
  /// UnknownClause.
  bool unknown_fails() const { return unknown_fails_; }

  /// A list of numbers as program text, e.g. "[0.9, 0.75, 3]" (floats printed as ProbLog does),
  /// for building facts such as "l(" + ListText(losses) + ")".
  static std::string ListText(const std::vector<double>& values);

  /// The program text as ProbLog prints it, with tunables replaced by their current values.
  /// With `instances` (and their weights, in that order), a clause with t(_, X, ...) templates
  /// prints once per binding of X, ... with the bound values substituted, as ProbLog's LFI.
  std::string ToText(const std::vector<TunableInstance>* instances = nullptr,
                     const std::vector<double>* instance_weights = nullptr) const;

 private:
  void AddParsed(const ParsedClause& parsed);
  void AddDirective(const Term* goal, const SourceLocation& where);
  void AddClauseTerm(const Term* head, const Term* body, const ParsedClause& parsed);
  void Consult(const std::string& name, const SourceLocation& where);
  void Index(int clause_index);
  std::string ClauseText(const Clause& c, const std::vector<double>& weights,
                         const std::vector<const Term*>& bound) const;
  std::string InstancesText(const Clause& c, const std::vector<TunableInstance>& instances,
                            const std::vector<double>& weights) const;

  std::vector<std::shared_ptr<TermArena>> arenas_;
  std::vector<Clause> clauses_;
  std::vector<Tunable> tunables_;
  std::vector<double> tunable_values_;
  std::vector<QuerySpec> queries_;
  std::vector<EvidenceSpec> evidence_;
  struct KeyHash {
    std::size_t operator()(const std::pair<Symbol, std::uint32_t>& k) const {
      return std::hash<const void*>()(k.first) * 31 + k.second;
    }
  };
  std::unordered_map<std::pair<Symbol, std::uint32_t>, std::vector<ClauseRef>, KeyHash> index_;
  std::unordered_map<std::pair<Symbol, std::uint32_t>, std::shared_ptr<const ExternFunction>,
                     KeyHash>
      externs_;
  bool lists_loaded_ = false;
  std::vector<std::string> loaded_;  ///< libraries added as text (cut, ...)
  bool unknown_fails_ = false;
  std::vector<std::string> consulting_;  ///< files being consulted (cycle check)
  /// Source order of printable items: (0 clause | 1 query | 2 evidence | 3 directive, index).
  std::vector<std::pair<int, int>> order_;
  std::vector<std::string> directives_;
  std::uint64_t text_counter_ = 0;
};

}  // namespace symnas::logic
