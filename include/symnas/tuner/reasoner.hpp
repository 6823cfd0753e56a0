// Diagnosis and action inference: takes a trial's facts, the rule base and the current rule
// weights; produces the diagnosed problems and the proposed actions with their probabilities.
#pragma once

#include <cstddef>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "symnas/logic/limits.hpp"
#include "symnas/tuner/facts.hpp"
#include "symnas/tuner/rule_base.hpp"

namespace symnas::tuner {

/// A tuning rule that fired: action(A, P) with its probability.
struct ProposedAction {
  std::string rule_id;  ///< "action(dec_layers,thr_exceeded(flops))"
  std::string action;   ///< "dec_layers"
  std::string problem;  ///< "thr_exceeded(flops)"
  double probability = 0.0;
};

/// Result of reasoning about one trial.
struct Reasoning {
  std::map<std::string, double> problems;  ///< problem term text -> probability (> 0)
  std::vector<ProposedAction> actions;     ///< in rule order, probability > 0
};

/// Bounds of the tuner's inference per trial: the shipped rules take about a millisecond, so a
/// rule set that needs 10 s or 512 MiB is exploding and must not hold up a study. Reason*
/// throw the engine's errors (LimitExceeded, a runtime error in a rule); the strategies catch
/// them per trial: the trial stands, `reasoning_failed` is recorded, no action is applied.
inline constexpr double kTunerInferenceSeconds = 10.0;
inline constexpr std::size_t kTunerInferenceBytes = std::size_t{512} << 20;

/// Builds the program (rules with `weights`, facts, queries for problem/1 and action/2),
/// evaluates it and collects problems and actions.
Reasoning Reason(const RuleBase& rules, const std::map<std::string, double>& weights,
                 const TrialFacts& facts);
/// The same over facts given as ProbLog text (strategies with their own facts, e.g. the cell
/// facts of `symbolic_nb201`), within `limits`.
Reasoning ReasonOverFacts(const RuleBase& rules, const std::map<std::string, double>& weights,
                          const std::string& facts_text,
                          const logic::ResourceLimits& limits = {kTunerInferenceSeconds,
                                                                 kTunerInferenceBytes});

/// How the actions to apply are chosen among the proposed ones.
enum class Selection {
  kSample,  ///< each action independently with its probability (the paper's semantics)
  kArgmax,  ///< per problem, its most probable action (the original tool's choice)
};
/// "sample" or "argmax"; ConfigError listing both otherwise.
Selection SelectionFromName(const std::string& name);
const char* SelectionName(Selection selection);

/// The chosen actions as preference groups: the strategy applies, per group, the first
/// candidate that can act (is applicable and does not undo an action applied before it in the
/// same step). Groups come most probable first.
/// kSample: one uniform number per action from `rng` (same seed, same choice); every drawn
/// action is a group of its own. kArgmax: one group per problem, its actions by decreasing
/// probability (ties in rule order), so an action at its limit falls back to the next best.
std::vector<std::vector<std::size_t>> SelectActions(const std::vector<ProposedAction>& actions,
                                                    Selection selection, std::mt19937_64& rng);

}  // namespace symnas::tuner
