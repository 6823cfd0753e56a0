// The rule base: takes the shipped rule files (rules/diagnosis.pl, rules/tuning.pl, embedded in
// the library at build time) and any user rule files; produces one parsed program whose tuning
// rules t(W)::action(A, P) :- Body are known by id, so learned weights can be substituted for W.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "symnas/common/error.hpp"
#include "symnas/logic/program.hpp"

namespace symnas::tuner {

/// A rule file is malformed for the tuner (bad tuning rule, unknown action, non-ground head).
class RuleError : public Error {
 public:
  explicit RuleError(std::string message, SourceLocation location = {})
      : Error("RuleError", std::move(message), std::move(location)) {}
};

/// One clause of a rule file, as read by the logic engine's parser.
struct Clause {
  std::string text;  ///< as written, without its final '.'
  SourceLocation location;
  std::string key;  ///< predicate of the head as name/arity ("problem/1"); ":-" for directives
  const logic::Term* term = nullptr;  ///< the parsed clause (lives in `arena`)
  logic::VarNames var_names;
  std::shared_ptr<const logic::TermArena> arena;
};

/// A tuning rule `W::action(Action, Problem) :- Body`. Invariant: the head is ground.
struct TuningRule {
  std::string id;       ///< the head without blanks: "action(dec_layers,thr_exceeded(flops))"
  std::string action;   ///< first argument: the C++ tuning action's name
  std::string problem;  ///< second argument, as text: "overfitting", "thr_exceeded(flops)"
  double initial_weight = 1.0;  ///< W (t(_) starts at 0.5; no annotation means 1)
  bool learnable = false;       ///< written t(...)::, so LFI re-learns it
  std::string body;             ///< the body as the engine prints it ("" for a fact)
  std::string text;             ///< the whole clause as written, without its final '.'
  SourceLocation location;
};

/// Removes blanks outside quotes: the canonical text of an atom in the tuner.
std::string CompactTerm(const std::string& text);

/// Splits program text into clauses with the logic engine's parser: its ParseError (and
/// subclasses) for malformed text, located in `file_name`.
std::vector<Clause> SplitClauses(const std::string& text, const std::string& file_name);

/// The shipped rule files, embedded at build time: {file name, text} in load order.
const std::vector<std::pair<std::string, std::string>>& ShippedRuleFiles();

/// The diagnosis and tuning rules a study uses.
class RuleBase {
 public:
  /// The shipped rules only (the default set: rules/diagnosis.pl, rules/tuning.pl).
  static RuleBase Shipped();
  /// The shipped files of one rule set: "" the default set (files without '_' in their name),
  /// "nb201" rules/nb201_*.pl (the `symbolic_nb201` strategy). ConfigError for an unknown set.
  static RuleBase ShippedSet(const std::string& set);
  /// The shipped rules of `set` (see ShippedSet), then each user file in order (see AddFile).
  static RuleBase WithUserFiles(const std::vector<std::string>& paths, const std::string& set = "");

  /// Adds the clauses of one file. A tuning rule whose head equals an existing rule's head
  /// replaces it; any other clause whose predicate (name/arity) the earlier files define
  /// replaces all their clauses of that predicate (the user's definition wins); everything
  /// else is added. RuleError for a malformed tuning rule.
  void AddText(const std::string& text, const std::string& file_name);
  /// Reads a file and adds it; ConfigError if it cannot be read.
  void AddFile(const std::string& path);

  const std::vector<TuningRule>& tuning_rules() const { return tuning_rules_; }
  const std::vector<Clause>& clauses() const { return clauses_; }
  /// The rule with this id, or nullptr.
  const TuningRule* FindRule(const std::string& id) const;
  /// id -> initial weight of every learnable rule.
  std::map<std::string, double> InitialWeights() const;
  /// Replaces the initial weight of every learnable rule named in `weights` (experience carried
  /// over from earlier studies); ids this rule base does not have are returned, not applied.
  /// ConfigError for a weight outside [0, 1].
  std::vector<std::string> OverrideInitialWeights(const std::map<std::string, double>& weights);

  /// Every rule must name an available action; RuleError at the first one that does not,
  /// listing the available actions.
  void ValidateActions(const std::vector<std::string>& available_actions) const;

  /// The rules as one program, parsed once when the files were added (copying it is cheap),
  /// with `weights` (by id; the initial weight for a rule not in it) as the values of the
  /// learnable rules' t(...) parameters. No query/1: callers add their facts and queries. The
  /// clauses keep their rule files' locations, so engine errors name the user's file and line.
  logic::Program Instantiate(const std::map<std::string, double>& weights) const;

 private:
  void AddClause(const Clause& clause, std::map<std::string, bool>& replaced_keys);
  /// Parses the kept clauses and tuning rules into program_.
  void Compile();

  std::vector<Clause> clauses_;
  std::vector<TuningRule> tuning_rules_;
  logic::Program program_;
  std::vector<std::pair<std::size_t, std::string>> rule_tunables_;  ///< tunable index -> rule id
};

/// True when `rule` can fire in a study with these budgets (a map or JSON object by metric
/// name, or a set of names): a hardware rule (problem thr_exceeded(M)) only if the study sets a
/// budget on M or on M of some device (M@D, rules/diagnosis.pl derives thr_exceeded(M) from
/// it); every other rule always.
template <typename Budgets>
bool RuleCanFire(const TuningRule& rule, const Budgets& budgets) {
  const std::string hw = "thr_exceeded(";
  if (rule.problem.rfind(hw, 0) != 0) return true;
  const std::string metric = rule.problem.substr(hw.size(), rule.problem.size() - hw.size() - 1);
  if (budgets.contains(metric)) return true;
  const std::string on_device = metric + "@";
  if constexpr (requires { budgets.items(); }) {
    for (const auto& entry : budgets.items()) {
      if (entry.key().rfind(on_device, 0) == 0) return true;
    }
  } else {
    for (const auto& entry : budgets) {
      if constexpr (requires { entry.first; }) {
        if (entry.first.rfind(on_device, 0) == 0) return true;
      } else if (entry.rfind(on_device, 0) == 0) {
        return true;
      }
    }
  }
  return false;
}

/// Parses a tuning-rule clause; returns false if its head is not action/2. RuleError if it is
/// action/2 but malformed (non-ground head, bad weight annotation).
bool ParseTuningRule(const Clause& clause, TuningRule& rule);

}  // namespace symnas::tuner
