// Explanation tables of a symbolic study: stored trials + annotations -> text tables.
#include "symnas/tuner/explain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "strategy_state.hpp"
#include "symnas/search/study_config.hpp"
#include "symnas/tuner/lfi.hpp"
#include "symnas/tuner/rule_base.hpp"

namespace symnas::tuner {

namespace {

std::string Join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out.empty() ? "-" : out;
}

std::string ScoreText(const search::TrialRecord& trial) {
  switch (trial.status) {
    case search::TrialStatus::kRejected:
      return "rejected";
    case search::TrialStatus::kComplete:
    case search::TrialStatus::kPruned:
      return fmt::format("{:.4f}{}{}", trial.objective.score,
                         trial.objective.feasible ? "" : " (over)",
                         trial.status == search::TrialStatus::kPruned ? " pruned" : "");
    default:
      return "failed";
  }
}

/// Whether the actions applied after `trial` helped, judged as the tuner judged them: against
/// the baseline it stored with the actions (the incumbent, default profile), else against the
/// trial itself (the paper's previous-trial rule).
bool Helped(const search::TrialRecord& trial, const search::TrialRecord& next,
            const std::vector<const search::ActionRecord*>& applied) {
  for (const auto* action : applied) {
    const auto it = action->details.find("credit_baseline");
    if (it == action->details.end()) continue;
    return Improved(ObjectiveFromJson(it->at("objective")), next.objective, next.status,
                    it->value("tolerance", 0.0));
  }
  return Improved(trial.objective, next.objective, next.status);
}

/// The budgets the study's strategy stated facts for, chosen from its stored config as the CLI
/// and the strategy chose them: its strategy_options.budgets (studies created before the budgets
/// travelled typed stored the objective's there), else the objective's constraints.
std::map<std::string, double> StudyBudgets(const nlohmann::json& config) {
  const auto options = config.value("strategy_options", nlohmann::json::object());
  std::vector<search::Constraint> study;
  if (config.contains("objective")) {
    study = search::StrategyContextBudgets(options, *search::MakeObjective(config.at("objective")));
  }
  return StrategyBudgets(BudgetsFromJson(options, "symbolic", /*positive=*/false), study,
                         "symbolic", /*positive=*/false);
}

}  // namespace

std::vector<ExplainStep> ExplainSteps(const ExplainInput& input) {
  std::vector<const search::TrialRecord*> trials;
  for (const auto& trial : input.trials) {
    if (!trial.interrupted) trials.push_back(&trial);
  }
  std::sort(trials.begin(), trials.end(), [](auto* a, auto* b) { return a->id < b->id; });
  std::vector<ExplainStep> steps;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    ExplainStep step;
    step.step = static_cast<int>(i) + 1;
    step.trial_id = trials[i]->id;
    for (const auto& [trial_id, diagnosis] : input.diagnoses) {
      if (trial_id != step.trial_id) continue;
      step.problems.push_back(diagnosis.problem);
      step.diagnoses.push_back(diagnosis);
    }
    std::vector<const search::ActionRecord*> applied;
    for (const auto& [trial_id, action] : input.actions) {
      if (trial_id == step.trial_id) step.actions.push_back(action);
      if (trial_id != step.trial_id || !action.applied) continue;
      const std::string problem = action.details.value("problem", std::string("?"));
      step.applied.push_back(
          fmt::format("{} [{}] p={:.2f}", action.action, problem, action.probability));
      applied.push_back(&action);
    }
    if (step.applied.empty()) {
      step.helped = "-";
    } else if (i + 1 == trials.size()) {
      step.helped = "pending";
    } else {
      step.helped = Helped(*trials[i], *trials[i + 1], applied) ? "yes" : "no";
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

std::map<std::string, double> StudyInitialWeights(const std::optional<nlohmann::json>& config,
                                                  std::string* note) {
  std::vector<std::string> files;
  std::string rule_set;  // the shipped set of the study's strategy ("": symbolic's)
  if (config) {
    if (config->value("strategy", std::string()) == "symbolic_nb201") rule_set = "nb201";
    const auto options = config->value("strategy_options", nlohmann::json::object());
    if (options.contains("rules") && options.at("rules").is_array()) {
      for (const auto& file : options.at("rules")) {
        if (file.is_string()) files.push_back(file.get<std::string>());
      }
    }
  }
  const auto options = config ? config->value("strategy_options", nlohmann::json::object())
                              : nlohmann::json::object();
  if (options.value("profile", std::string()) == "paper") rule_set = "paper";
  try {
    RuleBase rules = RuleBase::ShippedSet(rule_set);
    for (const auto& file : files) rules.AddFile(file);
    if (options.contains("prior_weights") && options.at("prior_weights").is_object()) {
      rules.OverrideInitialWeights(
          options.at("prior_weights").get<std::map<std::string, double>>());
    }
    // Only the rules that can fire in this study: a hardware rule for a budget it sets.
    const auto budgets = config ? StudyBudgets(*config) : std::map<std::string, double>{};
    std::map<std::string, double> weights;
    for (const auto& [id, weight] : rules.InitialWeights()) {
      const TuningRule* rule = rules.FindRule(id);
      if (rule == nullptr || RuleCanFire(*rule, budgets)) weights[id] = weight;
    }
    return weights;
  } catch (const Error& error) {
    if (note)
      *note = fmt::format("user rules unavailable ({}); shipped weights shown", error.what());
    return RuleBase::ShippedSet(rule_set).InitialWeights();
  }
}

std::string FormatExplanation(const ExplainInput& input) {
  std::map<std::int64_t, const search::TrialRecord*> by_id;
  for (const auto& trial : input.trials) by_id[trial.id] = &trial;
  const auto steps = ExplainSteps(input);
  // Column widths fit the content (the problems and rules columns can be long).
  std::size_t problems_width = 20;
  std::size_t rules_width = 34;
  for (const auto& step : steps) {
    problems_width = std::max(problems_width, Join(step.problems, ", ").size());
    rules_width = std::max(rules_width, Join(step.applied, "; ").size());
  }
  std::string out = "Diagnosis and tuning per step (Bellodi et al. 2023, Tables I-IV)\n";
  out += fmt::format("{:>4} {:>5} {:>16}  {:<{}}  {:<{}}  {}\n", "step", "trial", "objective",
                     "diagnosis (problems)", problems_width, "tuning rules applied (probability)",
                     rules_width, "helped");
  for (const auto& step : steps) {
    out += fmt::format("{:>4} {:>5} {:>16}  {:<{}}  {:<{}}  {}\n", step.step, step.trial_id,
                       ScoreText(*by_id.at(step.trial_id)), Join(step.problems, ", "),
                       problems_width, Join(step.applied, "; "), rules_width, step.helped);
  }
  std::set<std::string> rule_ids;
  std::size_t rule_width = 4;
  for (const auto& [id, weight] : input.initial_weights) rule_ids.insert(id);
  for (const auto& [trial_id, weights] : input.weights) {
    for (const auto& [id, weight] : weights) rule_ids.insert(id);
  }
  for (const auto& id : rule_ids) rule_width = std::max(rule_width, id.size());
  out += "\nLearned rule weights over time (initial, then after each trial with new evidence)\n";
  out += fmt::format("{:<{}} {:>7}", "rule", rule_width, "initial");
  for (const auto& [trial_id, weights] : input.weights) out += fmt::format(" {:>6}", trial_id);
  out += "\n";
  for (const auto& id : rule_ids) {
    const auto initial = input.initial_weights.find(id);
    out += fmt::format("{:<{}} {:>7}", id, rule_width,
                       initial == input.initial_weights.end()
                           ? std::string("-")
                           : fmt::format("{:.3f}", initial->second));
    for (const auto& [trial_id, weights] : input.weights) {
      const auto it = weights.find(id);
      out +=
          it == weights.end() ? fmt::format(" {:>6}", "-") : fmt::format(" {:>6.3f}", it->second);
    }
    out += "\n";
  }
  return out;
}

}  // namespace symnas::tuner
