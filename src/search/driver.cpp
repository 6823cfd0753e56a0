// The study loop with resume: replays edits and the strategy snapshot, re-runs an interrupted
// trial, then ask -> estimate costs -> evaluate -> objective -> tell -> record until N trials.
#include "symnas/search/driver.hpp"

#include <fmt/core.h>
#include <fmt/ostream.h>

#include <sys/resource.h>

#include <chrono>
#include <deque>
#include <limits>
#include <ostream>

#include "symnas/common/error.hpp"

namespace symnas::search {

namespace {

double NowUnixSeconds() {
  using namespace std::chrono;
  return duration_cast<duration<double>>(system_clock::now().time_since_epoch()).count();
}

/// CPU seconds (user + system) of this process so far, all threads (OpenBLAS workers included).
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// One progress-line phrase for what the strategy (and the pruner) said about a trial:
/// "diagnosed overfitting (0.99); applied reg_l2" (empty when nothing was said).
std::string SummariseAnnotations(const TrialAnnotations& annotations) {
  std::string diagnosed, applied;
  for (const auto& d : annotations.diagnoses) {
    diagnosed += fmt::format("{}{} ({:.2f})", diagnosed.empty() ? "" : ", ", d.problem,
                             d.probability);
  }
  for (const auto& a : annotations.actions) {
    if (a.applied && applied.find(a.action) == std::string::npos) {
      applied += (applied.empty() ? "" : ", ") + a.action;
    }
  }
  std::string out;
  if (!diagnosed.empty()) out = "diagnosed " + diagnosed;
  if (!applied.empty()) out += (out.empty() ? "" : "; ") + std::string("applied ") + applied;
  return out;
}

std::string Clock(double seconds) {
  auto s = static_cast<long long>(seconds);
  return fmt::format("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

}  // namespace

void MemoryRecorder::BeginTrial(const TrialRecord& trial, const std::vector<SpaceEdit>& edits,
                                const nlohmann::json& strategy_state) {
  if (trial.id != static_cast<std::int64_t>(trials_.size())) {
    throw StoreError(fmt::format("trial id {} is not the next id {}", trial.id, trials_.size()));
  }
  trials_.push_back(trial);
  edits_.insert(edits_.end(), edits.begin(), edits.end());
  state_ = strategy_state;
}

void MemoryRecorder::FinishTrial(const TrialRecord& trial, const std::vector<SpaceEdit>& edits,
                                 const TrialAnnotations& annotations,
                                 const nlohmann::json& strategy_state) {
  if (trial.id < 0 || trial.id >= static_cast<std::int64_t>(trials_.size())) {
    throw StoreError(fmt::format("no trial {} to finish", trial.id));
  }
  trials_[static_cast<std::size_t>(trial.id)] = trial;
  edits_.insert(edits_.end(), edits.begin(), edits.end());
  annotations_.push_back(annotations);
  state_ = strategy_state;
}

void MemoryRecorder::MarkInterrupted(std::int64_t trial_id, const std::string& error) {
  auto& t = trials_.at(static_cast<std::size_t>(trial_id));
  t.status = TrialStatus::kFailed;
  t.interrupted = true;
  t.result.status = TrialStatus::kFailed;
  t.result.error = error;
}

std::uint64_t TrialSeed(std::uint64_t study_seed, std::int64_t trial_id) {
  // SplitMix64 (Steele et al. 2014) of the study seed mixed with the trial number.
  std::uint64_t z = study_seed + 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(trial_id + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

BudgetCheck MakeBudgetCheck(Evaluator& evaluator, std::vector<Constraint> constraints) {
  return [&evaluator, constraints](const Params& params) -> BudgetVerdict {
    std::map<std::string, double> costs;
    try {
      costs = evaluator.EstimateCosts(params);
    } catch (const Error& e) {
      return {false, e.what()};
    }
    for (const auto& c : constraints) {
      auto it = costs.find(c.metric);
      if (it != costs.end() && it->second > c.budget) {
        return {false, fmt::format("{} {:.4g} > budget {:.4g}", c.metric, it->second, c.budget)};
      }
    }
    return {true, ""};
  };
}

Driver::Driver(SearchSpace initial_space, StrategyFactory make_strategy, Evaluator& evaluator,
               const Objective& objective, StudyRecorder& recorder, DriverOptions options)
    : space_(std::move(initial_space)),
      make_strategy_(std::move(make_strategy)),
      evaluator_(evaluator),
      objective_(objective),
      recorder_(recorder),
      options_(std::move(options)) {}

StudyOutcome Driver::Run() {
  start_unix_s_ = NowUnixSeconds();
  StudyOutcome out;
  for (const auto& edit : recorder_.LoadSpaceEdits()) space_.Apply(edit);
  std::vector<TrialRecord> trials = recorder_.LoadTrials();
  std::unique_ptr<Strategy> strategy = make_strategy_(space_);
  if (auto state = recorder_.LoadStrategyState()) {
    strategy->Load(*state);
  } else {
    for (const auto& t : trials) {
      if (t.status != TrialStatus::kRunning && !t.interrupted) {
        strategy->Tell({t.id, t.params, t.status, t.objective, t.result});
      }
    }
  }
  // A running trial was interrupted by a crash: never counted; its candidate is re-run first.
  std::deque<Params> rerun;
  for (auto& t : trials) {
    if (t.status != TrialStatus::kRunning) continue;
    recorder_.MarkInterrupted(t.id, "interrupted: the process ended before the trial finished");
    t.status = TrialStatus::kFailed;
    t.interrupted = true;
    rerun.push_back(t.params);
    ++out.interrupted_trials;
  }
  out.resumed_trials = CountFinished(trials);
  if (options_.progress && (out.resumed_trials > 0 || out.interrupted_trials > 0)) {
    fmt::print(*options_.progress, "resuming: {} finished trials, {} interrupted (re-run)\n",
               out.resumed_trials, out.interrupted_trials);
  }
  int rejections_in_row = 0;
  while (CountFinished(trials) < options_.trials) {
    Params params;
    std::vector<SpaceEdit> ask_edits;
    bool rerun_trial = !rerun.empty();
    if (rerun_trial) {
      params = rerun.front();
      rerun.pop_front();
    } else {
      params = strategy->Ask();
      ask_edits = strategy->TakeSpaceEdits();
      for (const auto& e : ask_edits) {
        space_.Apply(e);
        strategy->OnSpaceChanged(space_, e);
      }
    }
    if (!rerun_trial && strategy->ScreensCandidates()) {
      if (auto rejected = Screen(params, *strategy, trials)) {
        recorder_.BeginTrial(*rejected, ask_edits, strategy->Save());
        Finish(*rejected, *strategy);
        trials.push_back(*rejected);
        PrintProgress(trials.back(), CountFinished(trials), trials);
        if (++rejections_in_row >= options_.max_consecutive_rejections) {
          throw ConfigError(fmt::format(
              "the strategy proposed {} candidates in a row whose estimated costs exceed the "
              "budgets (last: {}); no candidate it can reach fits: relax the budgets or widen "
              "the space towards cheaper networks",
              rejections_in_row, trials.back().result.error));
        }
        continue;
      }
    }
    rejections_in_row = 0;
    TrialRecord t;
    t.id = static_cast<std::int64_t>(trials.size());
    t.params = params;
    t.seed = TrialSeed(options_.seed, CountFinished(trials));
    t.strategy = options_.strategy_name.empty() ? strategy->name() : options_.strategy_name;
    t.started_unix_s = NowUnixSeconds();
    recorder_.BeginTrial(t, ask_edits, strategy->Save());
    trials.push_back(t);
    trials.back() = RunTrial(t, *strategy, trials);
    PrintProgress(trials.back(), CountFinished(trials), trials);
  }
  if (options_.progress) {
    fmt::print(*options_.progress, "\nbest trials ({}):\n{}", objective_.Describe(),
               FormatTrialsTable(trials, 5));
  }
  out.trials = std::move(trials);
  out.space = space_;
  return out;
}

std::optional<TrialRecord> Driver::Screen(const Params& params, Strategy& strategy,
                                          const std::vector<TrialRecord>& trials) {
  std::map<std::string, double> costs;
  try {
    space_.Validate(params);
    costs = evaluator_.EstimateCosts(params);
  } catch (const Error&) {
    return std::nullopt;  // an invalid candidate fails as a trial, with its error
  }
  std::vector<std::string> exceeded;
  double violation = 0.0;
  for (const auto& c : objective_.Constraints()) {
    auto it = costs.find(c.metric);
    if (it == costs.end() || it->second <= c.budget) continue;
    exceeded.push_back(fmt::format("{} {:.4g} > budget {:.4g}", c.metric, it->second, c.budget));
    violation += c.budget > 0 ? it->second / c.budget - 1.0 : it->second - c.budget;
  }
  if (exceeded.empty()) return std::nullopt;
  TrialRecord t;
  t.id = static_cast<std::int64_t>(trials.size());
  t.params = params;
  t.seed = TrialSeed(options_.seed, CountFinished(trials));
  t.strategy = options_.strategy_name.empty() ? strategy.name() : options_.strategy_name;
  t.started_unix_s = t.finished_unix_s = NowUnixSeconds();
  t.estimated_costs = costs;
  t.status = t.result.status = TrialStatus::kRejected;
  t.result.metrics = costs;
  t.result.details = {{"cpu_seconds", 0.0}, {"stop_reason", "rejected before training"}};
  std::string reason;
  for (const auto& e : exceeded) reason += (reason.empty() ? "" : ", ") + e;
  t.result.error = "rejected before training: " + reason;
  t.objective.feasible = false;
  t.objective.violation = violation;
  t.objective.score = -std::numeric_limits<double>::infinity();
  return t;
}

void Driver::Finish(TrialRecord& t, Strategy& strategy, TrialAnnotations extra) {
  strategy.Tell({t.id, t.params, t.status, t.objective, t.result});
  std::vector<SpaceEdit> edits = strategy.TakeSpaceEdits();
  for (const auto& e : edits) {
    space_.Apply(e);
    strategy.OnSpaceChanged(space_, e);
  }
  TrialAnnotations annotations = strategy.TakeAnnotations();
  annotations.diagnoses.insert(annotations.diagnoses.begin(), extra.diagnoses.begin(),
                               extra.diagnoses.end());
  recorder_.FinishTrial(t, edits, annotations, strategy.Save());
  last_summary_ = SummariseAnnotations(annotations);
}

TrialRecord Driver::RunTrial(TrialRecord t, Strategy& strategy,
                             const std::vector<TrialRecord>& trials) {
  const Params& params = t.params;
  const double cpu_start_s = ProcessCpuSeconds();
  TrialAnnotations pruning;
  EpochMonitor monitor;
  if (options_.pruner) {
    monitor = [&](const LearningCurves& so_far, int max_epochs) {
      auto diagnosis = options_.pruner->ShouldPrune(trials, so_far, max_epochs);
      if (diagnosis) pruning.diagnoses.push_back(*diagnosis);
      return diagnosis.has_value();
    };
  }
  try {
    space_.Validate(params);
    t.estimated_costs = evaluator_.EstimateCosts(params);
    t.result = monitor ? evaluator_.EvaluateMonitored(params, t.seed, monitor)
                       : evaluator_.Evaluate(params, t.seed);
    if (t.result.status == TrialStatus::kRunning) {
      t.result.status = TrialStatus::kFailed;
      t.result.error = "the evaluator returned status 'running'";
    }
  } catch (const Error& e) {
    t.result = EvalResult{};
    t.result.status = TrialStatus::kFailed;
    t.result.error = e.what();
  } catch (const std::exception& e) {  // e.g. std::bad_alloc, a libtorch c10::Error
    t.result = EvalResult{};
    t.result.status = TrialStatus::kFailed;
    t.result.error = std::string("InternalError: ") + e.what();
  }
  for (const auto& [name, value] : t.estimated_costs) t.result.metrics.emplace(name, value);
  if (!t.result.details.is_object()) t.result.details = nlohmann::json::object();
  t.result.details["cpu_seconds"] = ProcessCpuSeconds() - cpu_start_s;
  t.status = t.result.status;
  if (t.status == TrialStatus::kComplete || t.status == TrialStatus::kPruned) {
    try {
      t.objective = objective_.Evaluate(t.result);
    } catch (const Error& e) {  // a misconfigured objective ends the study, trial recorded
      t.status = t.result.status = TrialStatus::kFailed;
      t.result.error = e.what();
      t.finished_unix_s = NowUnixSeconds();
      recorder_.FinishTrial(t, {}, {}, strategy.Save());
      throw;
    }
  }
  t.finished_unix_s = NowUnixSeconds();
  Finish(t, strategy, std::move(pruning));
  return t;
}

void Driver::PrintProgress(const TrialRecord& t, std::int64_t done,
                           const std::vector<TrialRecord>& trials) const {
  if (!options_.progress) return;
  std::string what;
  if (t.status == TrialStatus::kComplete || t.status == TrialStatus::kPruned) {
    what = fmt::format("score {:.4f} acc {:.4f} {}{}", t.objective.score, t.result.accuracy,
                       t.objective.feasible ? "feasible" : "INFEASIBLE",
                       t.status == TrialStatus::kPruned
                           ? fmt::format(" PRUNED after {} epochs", t.result.curves.val_acc.size())
                           : "");
  } else if (t.status == TrialStatus::kRejected) {
    what = "REJECTED before training: " + t.result.error.substr(std::string("rejected before training: ").size());
  } else {
    what = "FAILED: " + t.result.error.substr(0, 80);
  }
  if (!last_summary_.empty()) what += " | " + last_summary_;
  std::int64_t best = BestTrialIndex(trials);
  std::string best_text =
      best < 0
          ? "none"
          : fmt::format(
                "{:.4f} (#{}{})", trials[static_cast<std::size_t>(best)].objective.score,
                trials[static_cast<std::size_t>(best)].id,
                trials[static_cast<std::size_t>(best)].objective.feasible ? "" : ", infeasible");
  fmt::print(*options_.progress, "[{}/{}] trial {} {} | best {} | elapsed {}\n", done,
             options_.trials, t.id, what, best_text, Clock(NowUnixSeconds() - start_unix_s_));
  options_.progress->flush();
}

}  // namespace symnas::search
