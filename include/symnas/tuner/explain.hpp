// Explanations of a symbolic study: takes its trials, diagnoses, actions and learned weights;
// produces the paper's Tables I-IV (per step: problems diagnosed, tuning rules applied with
// their probabilities, whether they helped) and the learned weight of every rule over time.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "symnas/search/trial.hpp"

namespace symnas::tuner {

/// Everything the explanation needs, as stored by the study (store rows, flattened).
struct ExplainInput {
  std::vector<search::TrialRecord> trials;
  std::vector<std::pair<std::int64_t, search::Diagnosis>> diagnoses;   ///< trial id, diagnosis
  std::vector<std::pair<std::int64_t, search::ActionRecord>> actions;  ///< trial id, action
  std::vector<std::pair<std::int64_t, std::map<std::string, double>>> weights;  ///< after trial
  std::map<std::string, double> initial_weights;  ///< rule id -> initial weight
};

/// One row of the diagnosis-and-tuning table.
struct ExplainStep {
  int step = 0;  ///< 1-based
  std::int64_t trial_id = -1;
  std::vector<std::string> problems;
  std::vector<std::string> applied;           ///< "action [problem] p=0.70"
  std::string helped;                         ///< "yes", "no", "-" (nothing applied), "pending"
  std::vector<search::Diagnosis> diagnoses;   ///< the problems, with probabilities and details
  std::vector<search::ActionRecord> actions;  ///< every action considered (applied or not)
};

/// The rows of the table, one per trial in id order.
std::vector<ExplainStep> ExplainSteps(const ExplainInput& input);

/// Initial weights of a study's rules: the shipped set of its strategy (`symbolic_nb201`: the
/// nb201 set) plus the user rule files its config lists (strategy_options.rules). When a user
/// file can no longer be read, the shipped weights and a note saying so in `note`.
std::map<std::string, double> StudyInitialWeights(const std::optional<nlohmann::json>& config,
                                                  std::string* note);

/// Text of both tables (fixed-width columns), ready to print.
std::string FormatExplanation(const ExplainInput& input);

}  // namespace symnas::tuner
