// `symnas search`: runs (or resumes) a study from a YAML config into a study store (SQLite file
// or PostgreSQL URL), with live progress and a summary of the best trials; `--workers N` runs N
// worker processes on it. `symnas worker`: joins an existing study from any machine.
#include <fmt/core.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <thread>

#include "commands.hpp"
#include "evaluator_kinds.hpp"
#include "symnas/common/error.hpp"
#include "symnas/common/options.hpp"
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
  int workers = 1;                         ///< trial processes on this machine
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
    const auto rows = store::StudyStore::Open(path)->LoadRuleWeights();
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

/// What the study's strategy is built from: the config's options, the study's budgets typed
/// (search::StrategyContextBudgets) and checked on the evaluator's cost estimates.
search::StrategyContext StudyStrategyContext(const search::StudyConfig& config,
                                             const search::SearchSpace& space,
                                             search::Evaluator& evaluator,
                                             const search::Objective& objective) {
  search::StrategyContext context;
  context.space = space;
  context.seed = config.seed;
  context.options = config.strategy_options;
  context.budget_check = search::MakeBudgetCheck(evaluator, objective.Constraints());
  context.budgets = search::StrategyContextBudgets(config.strategy_options, objective);
  context.estimate_costs = [&evaluator](const search::Params& p) {
    return evaluator.EstimateCosts(p);
  };
  context.objective_names = objective.VectorNames();
  return context;
}

/// Studies created before the budgets travelled typed stored a copy of the objective's
/// constraints as strategy_options.budgets (metric -> budget, written for strategies with a
/// `budgets` option). Such a study still resumes: the copy is left out when the stored config
/// is compared with the requested one; on resume the strategy reads the copy as its own option,
/// the same budgets as before.
nlohmann::json WithoutObjectiveBudgetsCopy(nlohmann::json stored, const nlohmann::json& requested,
                                           const search::Objective& objective) {
  const auto options = requested.value("strategy_options", nlohmann::json::object());
  if (options.contains("budgets") || !stored.contains("strategy_options") ||
      !stored["strategy_options"].is_object()) {
    return stored;
  }
  nlohmann::json copy = nlohmann::json::object();
  for (const auto& c : objective.Constraints()) copy[c.metric] = c.budget;
  auto& stored_options = stored["strategy_options"];
  if (stored_options.value("budgets", nlohmann::json()) == copy) stored_options.erase("budgets");
  return stored;
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

/// How one worker process runs its share of a study.
struct WorkerArgs {
  std::string label;  ///< progress-line tag ("w2"); empty for a lone worker
  bool quiet = false;
  double stale_after_s = 120.0;
  bool no_summary = false;  ///< no best-trials table at the end
};

/// Runs trials of the study in `store` (its stored, effective config; the evaluator and
/// objective built from it) until it has them all, beside any other workers of the study.
search::StudyOutcome RunWorker(const search::StudyConfig& config, store::StudyStore& store,
                               const WorkerArgs& w,
                               std::unique_ptr<search::Evaluator> evaluator = nullptr,
                               std::unique_ptr<search::Objective> objective = nullptr) {
  if (!evaluator) evaluator = MakeEvaluator(config);
  if (!objective) objective = search::MakeObjective(config.objective);
  auto factory = [&](const search::SearchSpace& space) {
    return strategies::MakeStrategy(config.strategy,
                                    StudyStrategyContext(config, space, *evaluator, *objective));
  };
  search::DriverOptions options;
  options.trials = config.trials;
  options.seed = config.seed;
  options.progress = w.quiet ? nullptr : &std::cout;
  options.strategy_name = config.strategy;
  options.pruner = tuner::MakePruner(config.pruner);
  options.label = w.label;
  options.stale_after_s = w.stale_after_s;
  options.print_best = !w.no_summary;
  // Model out: a cnn study keeps the weights of its best trials (keep_weights, docs/nn.md); each
  // worker hands over the weights it trained itself.
  auto keeping = MakeStudyRecorder(config.evaluator, *evaluator, store);
  search::StudyRecorder& recorder = keeping ? *keeping : static_cast<search::StudyRecorder&>(store);
  search::Driver driver(config.space, factory, *evaluator, *objective, recorder, options);
  return driver.Run();
}

/// Worker processes of this machine, started as `symnas-full worker --study LOC --label wK`.
/// Each is reaped by a thread of its own the moment it ends, so that a killed worker is seen as
/// gone at once (a zombie would look alive until its heartbeat timed out). Destroyed before
/// Join(), e.g. by an exception of the first worker, it stops them (SIGTERM).
class LocalWorkers {
 public:
  LocalWorkers(const std::string& location, int count, bool quiet) {
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    statuses_.resize(static_cast<std::size_t>(std::max(0, count - 1)));
    for (int k = 2; k <= count; ++k) {
      std::vector<std::string> args = {self,     "worker",  "--study",
                                       location, "--label", fmt::format("w{}", k)};
      args.push_back(quiet ? "--quiet" : "--no-summary");
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      pid_t pid = 0;
      const int rc = posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ);
      if (rc != 0) {
        throw StoreError(
            fmt::format("cannot start worker w{} ({}): {}", k, self, std::strerror(rc)));
      }
      pids_.push_back(pid);
      int* status = &statuses_[pids_.size() - 1];
      reapers_.emplace_back([pid, status] { waitpid(pid, status, 0); });
    }
  }
  ~LocalWorkers() {
    for (pid_t pid : pids_) kill(pid, SIGTERM);
    for (auto& reaper : reapers_) reaper.join();
  }
  LocalWorkers(const LocalWorkers&) = delete;
  LocalWorkers& operator=(const LocalWorkers&) = delete;
  /// Waits for every worker; the labels of those that did not exit 0, with their status.
  std::string Join() {
    for (auto& reaper : reapers_) reaper.join();
    reapers_.clear();
    std::string failed;
    for (std::size_t i = 0; i < pids_.size(); ++i) {
      const int status = statuses_[i];
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        failed += fmt::format("{}w{} ({})", failed.empty() ? "" : ", ", i + 2,
                              WIFEXITED(status) ? fmt::format("exit {}", WEXITSTATUS(status))
                                                : fmt::format("signal {}", WTERMSIG(status)));
      }
    }
    pids_.clear();
    return failed;
  }

 private:
  std::vector<pid_t> pids_;
  std::vector<int> statuses_;  ///< sized once: the reapers write into it
  std::vector<std::thread> reapers_;
};

void PrintSummary(const std::vector<search::TrialRecord>& trials, std::size_t space_edits,
                  const std::string& location) {
  auto count = [&](search::TrialStatus status) {
    return std::count_if(trials.begin(), trials.end(),
                         [&](const auto& t) { return t.status == status && !t.interrupted; });
  };
  fmt::print(
      "\n{} trials ({} failed, {} pruned), {} candidates rejected before training, {} space "
      "edits; study {}\n",
      search::CountFinished(trials), count(search::TrialStatus::kFailed),
      count(search::TrialStatus::kPruned), count(search::TrialStatus::kRejected), space_edits,
      location);
}

int RunSearch(const SearchArgs& a) {
  std::signal(SIGINT, OnInterrupt);
  if (a.workers < 1) throw ConfigError("--workers must be at least 1");
  search::StudyConfig config = EffectiveConfig(a);
  ApplyDeviceBudgets(config);  // the evaluator's device limits join the objective's budgets
  auto evaluator = MakeEvaluator(config);  // config errors (located) before any file is made
  auto objective = search::MakeObjective(config.objective);
  CheckBudgetsAtStart(config, *evaluator, *objective);
  // Strategy options (e.g. a --rules file) fail before any file is made.
  strategies::MakeStrategy(config.strategy,
                           StudyStrategyContext(config, config.space, *evaluator, *objective));
  const std::string path = a.study_path.empty() ? config.name + ".study.db" : a.study_path;
  auto store = store::StudyStore::Open(path);
  store->Exclusive([&] {
    if (auto stored = store->LoadConfig()) {
      const nlohmann::json wanted = config.ToJson();
      CheckSameStudy(WithoutObjectiveBudgetsCopy(*stored, wanted, *objective), wanted, path);
      if (config.trials > stored->value("trials", std::int64_t{0})) {
        nlohmann::json updated = *stored;
        updated["trials"] = config.trials;
        store->SaveConfig(updated);
      }
    } else {
      store->SaveConfig(config.ToJson());
    }
  });
  const std::int64_t requested = config.trials;
  config = search::StudyConfig::FromJson(*store->LoadConfig());  // what every worker reads
  if (requested < config.trials) {
    fmt::print(stderr, "note: the study asks for {} trials; --trials {} does not shrink it\n",
               config.trials, requested);
  }
  if (!a.quiet) {
    fmt::print(
        "study '{}' -> {}\nstrategy {} | objective {} | evaluator {} | {} trials | seed {}{}\n",
        config.name, store->location(), config.strategy, objective->Describe(),
        config.evaluator.value("kind", "?"), config.trials, config.seed,
        a.workers > 1 ? fmt::format(" | {} workers", a.workers) : "");
  }
  LocalWorkers others(path, a.workers, a.quiet);  // the location as given (a URL with its password)
  search::StudyOutcome outcome =
      RunWorker(config, *store, {a.workers > 1 ? "w1" : "", a.quiet, 120.0}, std::move(evaluator),
                std::move(objective));
  const std::string failed = others.Join();
  if (!a.quiet) {
    const auto trials = a.workers > 1 ? store->LoadTrials() : outcome.trials;
    PrintSummary(trials, store->LoadSpaceEdits().size(), store->location());
  }
  if (!failed.empty()) {
    fmt::print(stderr, "error: worker {} did not finish cleanly (see its messages above)\n",
               failed);
    return 1;
  }
  return 0;
}

struct JoinArgs {
  std::string study;
  WorkerArgs worker;
};

int RunJoin(const JoinArgs& a) {
  std::signal(SIGINT, OnInterrupt);
  if (a.worker.stale_after_s <= 0) throw ConfigError("--stale-after must be > 0 seconds");
  auto store = OpenExistingStudy(a.study);
  auto stored = store->LoadConfig();
  if (!stored) {
    throw StoreError(
        fmt::format("study '{}' has no config yet: start it with `symnas search "
                    "--config ... --study {}` first",
                    store->location(), a.study));
  }
  const search::StudyConfig config = search::StudyConfig::FromJson(*stored);
  if (!a.worker.quiet) {
    fmt::print("worker {}{} joins study '{}' ({}, {} trials)\n", search::ThisWorkerName(),
               a.worker.label.empty() ? "" : " (" + a.worker.label + ")", config.name,
               store->location(), config.trials);
  }
  RunWorker(config, *store, a.worker);
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
                 "study file (default <name>.study.db) or postgresql://user@host/db?study=name; "
                 "rerun to resume");
  sub.add_option("--seed", args->seed, "override the study seed");
  sub.add_flag("--quiet", args->quiet, "no progress output");
  sub.add_option("--workers", args->workers,
                 "trial processes on this machine sharing the study (each trains with the "
                 "evaluator's threads; one per core)");
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
  sub.footer("\nstrategies (strategy:, strategy_options:) and their options:\n" +
             FormatTable(strategies::Strategies()) +
             "\nevaluator kinds (evaluator: {kind: NAME, ...options}):\n" +
             FormatTable(EvaluatorKinds()) + "\npruners (pruner: {kind: NAME, ...options}):\n" +
             FormatTable(tuner::Pruners()));
  run = [args] { return RunSearch(*args); };
}

void AddWorkerCommand(CLI::App& sub, CommandRun& run) {
  auto args = std::make_shared<JoinArgs>();
  sub.add_option("--study", args->study,
                 "the study to work on: a file of this machine or "
                 "postgresql://user@host/db?study=name")
      ->required();
  sub.add_option("--label", args->worker.label, "tag of this worker's progress lines");
  sub.add_flag("--quiet", args->worker.quiet, "no progress output");
  sub.add_flag("--no-summary", args->worker.no_summary,
               "no table of the best trials at the end (search --workers sets it for its "
               "workers: it prints the table once)");
  sub.add_option("--stale-after", args->worker.stale_after_s,
                 "seconds without a heartbeat after which another worker's running trial is "
                 "taken for interrupted and re-run (default 120)");
  run = [args] { return RunJoin(*args); };
}

}  // namespace symnas::cli
