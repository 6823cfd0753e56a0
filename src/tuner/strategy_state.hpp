// What the two symbolic strategies (`symbolic`, `symbolic_nb201`) read from their options,
// record and keep in their saved state alike: rule files, budgets, reasoning records, objective
// values, LFI evidence.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "symnas/search/objective.hpp"
#include "symnas/search/trial.hpp"
#include "symnas/tuner/lfi.hpp"
#include "symnas/tuner/reasoner.hpp"

namespace symnas::tuner {

/// options.rules: one file name (empty: none) or a list of them; absent: none.
std::vector<std::string> RuleFilesFromJson(const nlohmann::json& options);
/// options.budgets: metric -> number (> 0 when `positive`); ConfigError naming `strategy`.
std::map<std::string, double> BudgetsFromJson(const nlohmann::json& options,
                                              std::string_view strategy, bool positive);
/// The budgets a symbolic strategy states facts for: `from_options` (its `budgets` option) when
/// that lists any, otherwise the study's typed budgets (StrategyContext::budgets; a later
/// constraint on a metric wins), checked as BudgetsFromJson checks the option's.
std::map<std::string, double> StrategyBudgets(std::map<std::string, double> from_options,
                                              const std::vector<search::Constraint>& study,
                                              std::string_view strategy, bool positive);

/// One told trial's reasoning as both symbolic strategies record it: each problem `reason()`
/// (Reason or ReasonOverFacts) diagnoses becomes a diagnosis in `annotations`; an engine error
/// (a rule over its limits or failing on these facts) becomes the diagnosis reasoning_failed:
/// the trial stands and no action is proposed.
struct RecordedReasoning {
  Reasoning reasoning;
  /// One per reasoning.actions, in order, not applied and not selected (details: rule, problem).
  std::vector<search::ActionRecord> records;
};
RecordedReasoning ReasonAndRecord(const std::function<Reasoning()>& reason,
                                  search::TrialAnnotations& annotations);

/// An objective value as JSON (a non-finite score as null) and back (null as -inf).
nlohmann::json ObjectiveToJson(const search::ObjectiveValue& value);
search::ObjectiveValue ObjectiveFromJson(const nlohmann::json& json);

/// LFI evidence as a JSON array of {trial, rule, improved} and back.
nlohmann::json EvidenceToJson(const std::vector<RuleEvidence>& evidence);
std::vector<RuleEvidence> EvidenceFromJson(const nlohmann::json& json);

}  // namespace symnas::tuner
