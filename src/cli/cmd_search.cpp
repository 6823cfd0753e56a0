// `symnas search`: runs (or resumes) a study from a YAML config into a SQLite study file, with
// live progress and a summary of the best trials.
#include <fmt/core.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "evaluator_kinds.hpp"
#include "symnas/common/error.hpp"
#include "symnas/search/driver.hpp"
#include "symnas/search/study_config.hpp"
#include "symnas/store/study_store.hpp"
#include "symnas/strategies/table.hpp"
#include "symnas/tuner/pruner.hpp"

namespace symnas::cli {

namespace {

struct SearchArgs {
  std::string config_path;
  std::string strategy;
  std::int64_t trials = 0;
  std::string study_path;
  std::int64_t seed = -1;
  bool quiet = false;
  std::vector<std::string> rules;          ///< symbolic: extra/overriding rule files
  std::string selection;                   ///< symbolic: sample or argmax
  std::vector<std::string> prior_studies;  ///< symbolic: studies whose learned weights seed ours
};

/// The learned rule weights at the end of each prior study, averaged over the studies that
/// learned each rule: the experience a new symbolic study starts from.
nlohmann::json PriorWeights(const std::vector<std::string>& paths) {
  std::map<std::string, std::pair<double, int>> sums;
  for (const auto& path : paths) {
    if (!std::filesystem::is_regular_file(path)) {
      throw ConfigError("--prior-study '" + path + "': no such study file");
    }
    store::StudyStore prior(path);
    const auto rows = prior.LoadRuleWeights();
    if (rows.empty()) {
      throw ConfigError("--prior-study '" + path +
                        "' has no learned rule weights (is it a symbolic study with evidence?)");
    }
    for (const auto& [id, weight] : rows.back().weights) {
      sums[id].first += weight;
      ++sums[id].second;
    }
  }
  nlohmann::json weights = nlohmann::json::object();
  for (const auto& [id, sum] : sums) weights[id] = sum.first / sum.second;
  return weights;
}

/// The effective config: the YAML plus command-line overrides.
search::StudyConfig EffectiveConfig(const SearchArgs& a) {
  search::StudyConfig c = search::LoadStudyConfig(a.config_path, strategies::Strategies());
  if (!a.strategy.empty()) c.strategy = a.strategy;
  if (a.trials > 0) c.trials = a.trials;
  if (a.seed >= 0) c.seed = static_cast<std::uint64_t>(a.seed);
  // Fails early with the list of strategies; a flag applies where the strategy has its option.
  const search::StrategyEntry& entry = strategies::FindStrategy(c.strategy);
  const auto require = [&](bool given, const char* flag, const char* option) {
    if (!given || entry.HasOption(option)) return;
    std::string having;
    for (const auto& e : strategies::Strategies()) {
      if (e.HasOption(option)) having += (having.empty() ? "" : ", ") + std::string(e.name);
    }
    throw ConfigError(
        fmt::format("{} applies to the strategies with option '{}' ({}); strategy "
                    "'{}' has none",
                    flag, option, having, c.strategy));
  };
  require(!a.rules.empty(), "--rules", "rules");
  require(!a.selection.empty(), "--selection", "selection");
  require(!a.prior_studies.empty(), "--prior-study", "prior_weights");
  if (!c.strategy_options.is_object()) c.strategy_options = nlohmann::json::object();
  if (!a.rules.empty()) {
    nlohmann::json& rules = c.strategy_options["rules"];
    if (!rules.is_array()) rules = nlohmann::json::array();
    for (const auto& file : a.rules) rules.push_back(file);
  }
  if (!a.selection.empty()) c.strategy_options["selection"] = a.selection;
  if (!a.prior_studies.empty()) c.strategy_options["prior_weights"] = PriorWeights(a.prior_studies);
  return c;
}

/// A strategy with a `budgets` option (the symbolic tuners diagnose thr_exceeded(M) for every
/// budget of the study): unless the config lists its own strategy_options.budgets, they are the
/// objective's constraints.
void AddObjectiveBudgets(search::StudyConfig& config, const search::Objective& objective) {
  if (!strategies::FindStrategy(config.strategy).HasOption("budgets") ||
      config.strategy_options.contains("budgets")) {
    return;
  }
  nlohmann::json budgets = nlohmann::json::object();
  for (const auto& c : objective.Constraints()) budgets[c.metric] = c.budget;
  if (!budgets.empty()) config.strategy_options["budgets"] = budgets;
}

/// Budgets no candidate of the space can meet: a ConfigError before the study file exists, except
/// where they may still be met or are no hard limit, then a warning: a strategy that shrinks the
/// space (the symbolic tuner's actions take networks below the initial bounds), and the seed000
/// objective's threshold is the target of its score, not a limit.
void CheckBudgetsAtStart(const search::StudyConfig& config, search::Evaluator& evaluator,
                         const search::Objective& objective) {
  const std::string message =
      search::UnreachableBudgets(config.space, evaluator, objective.Constraints());
  if (message.empty()) return;
  const bool shrinks = strategies::FindStrategy(config.strategy).shrinks_space;
  if (!shrinks && config.objective.value("kind", "") != "seed000") throw ConfigError(message);
  fmt::print(stderr, "warning: {}\n(continuing: {})\n", message,
             shrinks ? "strategy '" + config.strategy + "' can shrink the space below these minima"
                     : "the seed000 objective's threshold is a target, not a limit");
}

/// On resume the stored config must match the requested one (trials may grow).
void CheckSameStudy(const nlohmann::json& stored, const nlohmann::json& requested,
                    const std::string& path) {
  std::string differing;
  for (const auto& [key, value] : requested.items()) {
    if (key == "trials") continue;
    if (key == "pruner" && !stored.contains(key) && value == nlohmann::json{{"kind", "none"}}) {
      continue;  // a study made before pruners existed
    }
    if (!stored.contains(key) || stored[key] != value)
      differing += (differing.empty() ? "" : ", ") + key;
  }
  if (!differing.empty()) {
    throw ConfigError(
        fmt::format("study '{}' was created with a different config ({} differ); rerun with the "
                    "same config and options, or give a new --study path",
                    path, differing));
  }
}

/// Ctrl-C: every finished trial is already committed; say how to resume and leave at once
/// (the trial being evaluated is marked interrupted and re-run on resume).
extern "C" void OnInterrupt(int) {
  static const char kMessage[] =
      "\ninterrupted: finished trials are saved; rerun the same command to resume the study\n";
  [[maybe_unused]] auto written = write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  _exit(130);
}

int RunSearch(const SearchArgs& a) {
  std::signal(SIGINT, OnInterrupt);
  search::StudyConfig config = EffectiveConfig(a);
  ApplyDeviceBudgets(config);  // the evaluator's device limits join the objective's budgets
  auto evaluator = MakeEvaluator(config);  // config errors (located) before any file is made
  auto objective = search::MakeObjective(config.objective);
  AddObjectiveBudgets(config, *objective);
  CheckBudgetsAtStart(config, *evaluator, *objective);
  search::BudgetCheck budget = search::MakeBudgetCheck(*evaluator, objective->Constraints());
  auto factory = [&](const search::SearchSpace& space) {
    return strategies::MakeStrategy(config.strategy,
                                    {space, config.seed, config.strategy_options, budget});
  };
  factory(config.space);  // strategy options (e.g. a --rules file) fail before any file is made
  std::shared_ptr<search::Pruner> pruner = tuner::MakePruner(config.pruner);
  const std::string path = a.study_path.empty() ? config.name + ".study.db" : a.study_path;
  store::StudyStore store(path);
  if (auto stored = store.LoadConfig()) {
    CheckSameStudy(*stored, config.ToJson(), path);
    if (config.trials > stored->value("trials", std::int64_t{0})) {
      nlohmann::json updated = *stored;
      updated["trials"] = config.trials;
      store.SaveConfig(updated);
    }
  } else {
    store.SaveConfig(config.ToJson());
  }
  search::DriverOptions options;
  options.trials = config.trials;
  options.seed = config.seed;
  options.progress = a.quiet ? nullptr : &std::cout;
  options.strategy_name = config.strategy;
  options.pruner = pruner;
  if (!a.quiet) {
    fmt::print(
        "study '{}' -> {}\nstrategy {} | objective {} | evaluator {} | {} trials | seed {}\n",
        config.name, path, config.strategy, objective->Describe(),
        config.evaluator.value("kind", "?"), config.trials, config.seed);
  }
  // Model out: a cnn study keeps the weights of its best trials (keep_weights, docs/nn.md).
  auto keeping = MakeStudyRecorder(config.evaluator, *evaluator, store);
  search::StudyRecorder& recorder = keeping ? *keeping : static_cast<search::StudyRecorder&>(store);
  search::Driver driver(config.space, factory, *evaluator, *objective, recorder, options);
  search::StudyOutcome outcome = driver.Run();
  if (!a.quiet) {
    auto count = [&](search::TrialStatus status) {
      return std::count_if(outcome.trials.begin(), outcome.trials.end(),
                           [&](const auto& t) { return t.status == status && !t.interrupted; });
    };
    fmt::print(
        "\n{} trials ({} failed, {} pruned), {} candidates rejected before training, {} space "
        "edits; study file {}\n",
        search::CountFinished(outcome.trials), count(search::TrialStatus::kFailed),
        count(search::TrialStatus::kPruned), count(search::TrialStatus::kRejected),
        outcome.space.history().size(), path);
  }
  return 0;
}

}  // namespace

void AddSearchCommand(CLI::App& sub, CommandRun& run) {
  auto args = std::make_shared<SearchArgs>();
  sub.add_option("--config", args->config_path, "study YAML (see examples/)")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_option("--strategy", args->strategy,
                 "override the strategy (" + strategies::StrategyNames() + ")");
  sub.add_option("--trials", args->trials,
                 "override the number of trials (may grow a resumed study)");
  sub.add_option("--study", args->study_path,
                 "study file (default <name>.study.db); rerun to resume");
  sub.add_option("--seed", args->seed, "override the study seed");
  sub.add_flag("--quiet", args->quiet, "no progress output");
  sub.add_option("--rules", args->rules,
                 "symbolic: a .pl file adding or overriding rules (repeatable); a rule naming an "
                 "action symnas does not implement is rejected at start")
      ->check(CLI::ExistingFile);
  sub.add_option("--selection", args->selection,
                 "symbolic: sample (apply each action with its probability, default) or argmax "
                 "(the original tool's most probable action per problem)")
      ->check(CLI::IsMember({"sample", "argmax"}));
  sub.add_option("--prior-study", args->prior_studies,
                 "symbolic: start from the rule weights learned by this earlier study "
                 "(repeatable: averaged)")
      ->check(CLI::ExistingFile);
  run = [args] { return RunSearch(*args); };
}

}  // namespace symnas::cli
