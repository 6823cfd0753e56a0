// `symnas explain`: takes a study file; prints the symbolic tuner's Tables I-IV (problems,
// applied tuning rules, whether they helped) and the learned rule weights over time.
// `--actions` prints the table of tuning actions instead.
#include <fmt/format.h>

#include <iostream>

#include "commands.hpp"
#include "symnas/store/study_store.hpp"
#include "symnas/tuner/actions.hpp"
#include "symnas/tuner/cell_moves.hpp"
#include "symnas/tuner/explain.hpp"
#include "symnas/tuner/rule_base.hpp"

namespace symnas::cli {

namespace {

struct ExplainOptions {
  std::string study_path;
  bool list_actions = false;
};

int PrintActions() {
  std::cout << "tuning actions of `symbolic` (rules/tuning.pl):\n";
  for (const auto& entry : tuner::TuningActions()) {
    std::cout << fmt::format("{:<22} {}\n", entry.name, entry.description);
    for (const auto& param : entry.params) {
      std::cout << fmt::format("{:<24}{} = {:g} [{:g}, {:g}]: {}\n", "", param.name, param.value,
                               param.low, param.high, param.description);
    }
  }
  std::cout << "\ncell moves of `symbolic_nb201` (rules/nb201_tuning.pl):\n";
  for (const auto& move : tuner::CellMoves()) {
    std::cout << fmt::format("{:<22} {} (from the {})\n", move.name, move.description,
                             move.base == tuner::MoveBase::kTold     ? "told cell"
                             : move.base == tuner::MoveBase::kAnchor ? "anchor"
                                                                     : "best cell");
  }
  return 0;
}

/// Initial weights of the study's rules: the shipped ones plus the user files of its config
/// (if they can still be read; otherwise the shipped ones, with a note).
std::map<std::string, double> InitialWeights(store::StudyStore& store) {
  std::vector<std::string> files;
  std::string rule_set;  // the shipped set of the study's strategy ("": symbolic's)
  if (auto config = store.LoadConfig()) {
    const auto options = config->value("strategy_options", nlohmann::json::object());
    if (config->value("strategy", std::string()) == "symbolic_nb201") rule_set = "nb201";
    if (options.value("profile", std::string()) == "paper") rule_set = "paper";
    if (options.contains("rules") && options.at("rules").is_array()) {
      for (const auto& file : options.at("rules")) files.push_back(file.get<std::string>());
    }
  }
  try {
    tuner::RuleBase rules = tuner::RuleBase::ShippedSet(rule_set);
    for (const auto& file : files) rules.AddFile(file);
    if (auto config = store.LoadConfig()) {
      const auto options = config->value("strategy_options", nlohmann::json::object());
      if (options.contains("prior_weights")) {
        rules.OverrideInitialWeights(
            options.at("prior_weights").get<std::map<std::string, double>>());
      }
    }
    // Only the rules that can fire in this study: a hardware rule for a budget it sets.
    std::map<std::string, double> weights;
    const auto budgets = store.LoadConfig()
                             .value_or(nlohmann::json::object())
                             .value("strategy_options", nlohmann::json::object())
                             .value("budgets", nlohmann::json::object());
    for (const auto& [id, weight] : rules.InitialWeights()) {
      const tuner::TuningRule* rule = rules.FindRule(id);
      if (rule == nullptr || tuner::RuleCanFire(*rule, budgets)) weights[id] = weight;
    }
    return weights;
  } catch (const Error& error) {
    std::cerr << "note: user rules unavailable (" << error.what() << "); shipped weights shown\n";
    return tuner::RuleBase::ShippedSet(rule_set).InitialWeights();
  }
}

int RunExplain(const ExplainOptions& options) {
  if (options.list_actions) return PrintActions();
  if (options.study_path.empty()) throw ConfigError("explain: give --study PATH (or --actions)");
  store::StudyStore store(options.study_path);
  tuner::ExplainInput input;
  input.trials = store.LoadTrials();
  for (auto& row : store.LoadDiagnoses()) input.diagnoses.emplace_back(row.trial_id, row.diagnosis);
  for (auto& row : store.LoadActions()) input.actions.emplace_back(row.trial_id, row.action);
  for (auto& row : store.LoadRuleWeights()) input.weights.emplace_back(row.trial_id, row.weights);
  input.initial_weights = InitialWeights(store);
  if (input.diagnoses.empty() && input.actions.empty()) {
    std::cout << "note: this study has no diagnoses (was it run with --strategy symbolic?)\n";
  }
  std::cout << tuner::FormatExplanation(input);
  return 0;
}

}  // namespace

void AddExplainCommand(CLI::App& sub, CommandRun& run) {
  auto options = std::make_shared<ExplainOptions>();
  sub.add_option("--study", options->study_path, "study file (SQLite) written by symnas search");
  sub.add_flag("--actions", options->list_actions, "list the tuning actions rules may name");
  run = [options] { return RunExplain(*options); };
}

}  // namespace symnas::cli
