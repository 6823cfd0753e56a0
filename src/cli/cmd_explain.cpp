// `symnas explain`: takes a study file; prints the symbolic tuner's Tables I-IV (problems,
// applied tuning rules, whether they helped) and the learned rule weights over time.
// `--actions` prints the table of tuning actions instead.
#include <fmt/format.h>

#include <iostream>

#include "commands.hpp"
#include "symnas/common/error.hpp"
#include "symnas/common/options.hpp"
#include "symnas/store/study_store.hpp"
#include "symnas/tuner/actions.hpp"
#include "symnas/tuner/cell_moves.hpp"
#include "symnas/tuner/explain.hpp"

namespace symnas::cli {

namespace {

struct ExplainOptions {
  std::string study_path;
  bool list_actions = false;
};

int PrintActions() {
  std::cout << "tuning actions of `symbolic` (rules/tuning.pl):\n";
  std::cout << FormatTable(tuner::TuningActions());
  std::cout << "\ncell moves of `symbolic_nb201` (rules/nb201_tuning.pl):\n";
  for (const auto& move : tuner::CellMoves()) {
    const char* base = move.base == tuner::MoveBase::kTold     ? "told cell"
                       : move.base == tuner::MoveBase::kAnchor ? "anchor"
                                                               : "best cell";
    std::cout << FormatEntry(move.name, fmt::format("{} (from the {})", move.description, base),
                             {});
  }
  return 0;
}

int RunExplain(const ExplainOptions& options) {
  if (options.list_actions) return PrintActions();
  if (options.study_path.empty()) throw ConfigError("explain: give --study PATH (or --actions)");
  auto store = OpenExistingStudy(options.study_path);
  tuner::ExplainInput input;
  input.trials = store->LoadTrials();
  for (auto& row : store->LoadDiagnoses())
    input.diagnoses.emplace_back(row.trial_id, row.diagnosis);
  for (auto& row : store->LoadActions()) input.actions.emplace_back(row.trial_id, row.action);
  for (auto& row : store->LoadRuleWeights()) input.weights.emplace_back(row.trial_id, row.weights);
  std::string note;
  input.initial_weights = tuner::StudyInitialWeights(store->LoadConfig(), &note);
  if (!note.empty()) std::cerr << "note: " << note << "\n";
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
