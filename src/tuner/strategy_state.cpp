// Options and saved state shared by the symbolic strategies (see strategy_state.hpp).
#include "strategy_state.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "symnas/common/error.hpp"

namespace symnas::tuner {

std::vector<std::string> RuleFilesFromJson(const nlohmann::json& options) {
  std::vector<std::string> files;
  if (!options.contains("rules")) return files;
  const auto& rules = options.at("rules");
  if (rules.is_string()) {
    if (!rules.get<std::string>().empty()) files.push_back(rules.get<std::string>());
  } else {
    for (const auto& file : rules) files.push_back(file.get<std::string>());
  }
  return files;
}

namespace {
ConfigError BadBudget(std::string_view strategy, const std::string& metric, bool positive) {
  return ConfigError(fmt::format("{}: budget of '{}' must be a {}number", strategy, metric,
                                 positive ? "positive " : ""));
}
}  // namespace

std::map<std::string, double> BudgetsFromJson(const nlohmann::json& options,
                                              std::string_view strategy, bool positive) {
  std::map<std::string, double> budgets;
  if (!options.contains("budgets")) return budgets;
  for (const auto& [metric, budget] : options.at("budgets").items()) {
    if (!budget.is_number() || (positive && budget.get<double>() <= 0)) {
      throw BadBudget(strategy, metric, positive);
    }
    budgets[metric] = budget.get<double>();
  }
  return budgets;
}

std::map<std::string, double> StrategyBudgets(std::map<std::string, double> from_options,
                                              const std::vector<search::Constraint>& study,
                                              std::string_view strategy, bool positive) {
  if (!from_options.empty()) return from_options;
  std::map<std::string, double> budgets;
  for (const auto& c : study) {
    if (positive && c.budget <= 0) throw BadBudget(strategy, c.metric, positive);
    budgets[c.metric] = c.budget;
  }
  return budgets;
}

RecordedReasoning ReasonAndRecord(const std::function<Reasoning()>& reason,
                                  search::TrialAnnotations& annotations) {
  RecordedReasoning out;
  try {
    out.reasoning = reason();
  } catch (const Error& e) {
    annotations.diagnoses.push_back({"reasoning_failed", 1.0, {{"error", e.what()}}});
  }
  for (const auto& [problem, probability] : out.reasoning.problems) {
    annotations.diagnoses.push_back({problem, probability, nlohmann::json::object()});
  }
  for (const auto& proposed : out.reasoning.actions) {
    out.records.push_back(
        {proposed.action,
         proposed.probability,
         false,
         {{"rule", proposed.rule_id}, {"problem", proposed.problem}, {"selected", false}}});
  }
  return out;
}

nlohmann::json ObjectiveToJson(const search::ObjectiveValue& value) {
  return {{"score", std::isfinite(value.score) ? nlohmann::json(value.score) : nlohmann::json()},
          {"feasible", value.feasible},
          {"violation", value.violation}};
}

search::ObjectiveValue ObjectiveFromJson(const nlohmann::json& json) {
  search::ObjectiveValue value;
  value.score = json.at("score").is_null() ? -std::numeric_limits<double>::infinity()
                                           : json.at("score").get<double>();
  value.feasible = json.at("feasible").get<bool>();
  value.violation = json.at("violation").get<double>();
  return value;
}

nlohmann::json EvidenceToJson(const std::vector<RuleEvidence>& evidence) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : evidence) {
    items.push_back(
        {{"trial", item.trial_id}, {"rule", item.rule_id}, {"improved", item.improved}});
  }
  return items;
}

std::vector<RuleEvidence> EvidenceFromJson(const nlohmann::json& json) {
  std::vector<RuleEvidence> evidence;
  for (const auto& item : json) {
    evidence.push_back({item.at("trial").get<std::int64_t>(), item.at("rule").get<std::string>(),
                        item.at("improved").get<bool>()});
  }
  return evidence;
}

}  // namespace symnas::tuner
