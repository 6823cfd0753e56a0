// The study loop with resume: replays edits and the strategy snapshot, re-runs an interrupted
// trial, then ask -> estimate costs -> evaluate -> objective -> tell -> record until N trials.
#include "symnas/search/driver.hpp"

#include <fmt/core.h>
#include <fmt/ostream.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <ostream>
#include <thread>

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
    diagnosed +=
        fmt::format("{}{} ({:.2f})", diagnosed.empty() ? "" : ", ", d.problem, d.probability);
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

namespace {

/// Beats every `period_s` for `trial_id` on a thread of its own until destroyed. A failed beat
/// (the database away for a moment) is retried at the next period; the trial goes on.
class HeartbeatThread {
 public:
  HeartbeatThread(StudyRecorder& recorder, std::int64_t trial_id, double period_s)
      : thread_([this, &recorder, trial_id, period_s] {
          std::unique_lock<std::mutex> lock(mutex_);
          const auto period = std::chrono::duration<double>(period_s);
          while (!cv_.wait_for(lock, period, [this] { return stop_; })) {
            lock.unlock();
            try {
              recorder.Heartbeat(trial_id, NowUnixSeconds());
            } catch (const std::exception&) {
            }
            lock.lock();
          }
        }) {}
  ~HeartbeatThread() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  HeartbeatThread(const HeartbeatThread&) = delete;
  HeartbeatThread& operator=(const HeartbeatThread&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

Driver::Driver(SearchSpace initial_space, StrategyFactory make_strategy, Evaluator& evaluator,
               const Objective& objective, StudyRecorder& recorder, DriverOptions options)
    : initial_space_(initial_space),
      space_(std::move(initial_space)),
      make_strategy_(std::move(make_strategy)),
      evaluator_(evaluator),
      objective_(objective),
      recorder_(recorder),
      options_(std::move(options)) {
  if (options_.worker.empty()) options_.worker = ThisWorkerName();
}

void Driver::Locked(const std::function<void()>& work) {
  double delay_s = 0.5, waited_s = 0.0;
  while (true) {
    try {
      recorder_.Exclusive(work);
      return;
    } catch (const StoreUnavailableError& e) {
      // What `work` did in memory was rolled back in the store: forget it, rebuild at the next
      // Sync.
      trials_.clear();
      strategy_.reset();
      synced_version_ = -1;
      if (waited_s >= options_.store_retry_s) throw;
      if (options_.progress) {
        fmt::print(*options_.progress, "store out of reach ({}); retrying in {:.1f} s\n",
                   e.message(), delay_s);
      }
      std::this_thread::sleep_for(std::chrono::duration<double>(delay_s));
      waited_s += delay_s;
      delay_s = std::min(30.0, 2 * delay_s);
    }
  }
}

void Driver::Sync() {
  // Rows before the first running trial never change again: read from there on.
  std::int64_t first_open = static_cast<std::int64_t>(trials_.size());
  for (const auto& t : trials_) {
    if (t.status == TrialStatus::kRunning || t.requeued) {
      first_open = t.id;
      break;
    }
  }
  trials_.resize(static_cast<std::size_t>(first_open));
  for (auto& t : recorder_.LoadTrialsFrom(first_open)) trials_.push_back(std::move(t));
  const std::int64_t version = recorder_.StateVersion();
  if (strategy_ && version == synced_version_) return;
  // Another worker recorded since (or this is the start): rebuild from the recorded state.
  space_ = initial_space_;
  for (const auto& edit : recorder_.LoadSpaceEdits()) space_.Apply(edit);
  strategy_ = make_strategy_(space_);
  if (auto state = recorder_.LoadStrategyState()) {
    strategy_->Load(*state);
  } else {
    for (const auto& t : trials_) {
      if (t.status != TrialStatus::kRunning && !t.interrupted) {
        strategy_->Tell({t.id, t.params, t.status, t.objective, t.result});
      }
    }
  }
  synced_version_ = version;
}

std::int64_t Driver::ReapStale() {
  std::int64_t reaped = 0;
  const double now = NowUnixSeconds();
  for (auto& t : trials_) {
    if (t.status != TrialStatus::kRunning) continue;
    if (!WorkerIsGone(t, options_.worker, now, options_.stale_after_s)) continue;
    const std::string error =
        t.worker.empty() || t.worker == options_.worker
            ? "interrupted: the process ended before the trial finished"
            : fmt::format("interrupted: its worker {} is gone (no heartbeat for {:.0f} s)",
                          t.worker, now - LastSignOfLife(t));
    recorder_.MarkInterrupted(t.id, error);
    t.status = t.result.status = TrialStatus::kFailed;
    t.interrupted = t.requeued = true;
    t.result.error = error;
    ++reaped;
  }
  return reaped;
}

Driver::Claim Driver::ClaimTrial(TrialRecord& t, StudyOutcome& out) {
  Sync();
  out.interrupted_trials += ReapStale();
  const std::int64_t finished = CountFinished(trials_);
  if (finished >= options_.trials) return Claim::kDone;
  std::vector<Params> pending;
  const TrialRecord* requeued = nullptr;
  for (const auto& r : trials_) {
    if (r.status == TrialStatus::kRunning) pending.push_back(r.params);
    if (r.requeued && !requeued) requeued = &r;
  }
  if (finished + static_cast<std::int64_t>(pending.size()) >= options_.trials) {
    return Claim::kWait;  // the remaining trials all run elsewhere; one may yet fail
  }
  t = TrialRecord{};
  t.id = static_cast<std::int64_t>(trials_.size());
  t.strategy = options_.strategy_name.empty() ? strategy_->name() : options_.strategy_name;
  t.worker = options_.worker;
  t.started_unix_s = t.heartbeat_unix_s = NowUnixSeconds();
  std::vector<SpaceEdit> ask_edits;
  if (requeued) {  // an interrupted candidate first, with its seed
    t.params = requeued->params;
    t.seed = requeued->seed;
    t.rerun_of = requeued->id;
  } else {
    strategy_->SetPending(pending);
    t.params = strategy_->Ask();
    t.seed = TrialSeed(options_.seed, finished + static_cast<std::int64_t>(pending.size()));
    ask_edits = strategy_->TakeSpaceEdits();
    for (const auto& e : ask_edits) {
      space_.Apply(e);
      strategy_->OnSpaceChanged(space_, e);
    }
    if (strategy_->ScreensCandidates()) {
      if (auto rejected = Screen(t.params, TrialSeed(options_.seed, finished))) {
        rejected->id = t.id;
        rejected->strategy = t.strategy;
        rejected->worker = t.worker;
        t = *rejected;
        recorder_.BeginTrial(t, ask_edits, StrategyState());
        Finish(t);
        trials_.push_back(t);
        return Claim::kRejected;
      }
    }
  }
  recorder_.BeginTrial(t, ask_edits, StrategyState());
  synced_version_ = recorder_.StateVersion();
  trials_.push_back(t);
  return Claim::kTrial;
}

StudyOutcome Driver::Run() {
  start_unix_s_ = NowUnixSeconds();
  StudyOutcome out;
  Locked([&] {
    Sync();
    out.resumed_trials = CountFinished(trials_);
  });
  bool announced = false;
  int rejections_in_row = 0;
  while (true) {
    TrialRecord t;
    Claim claim = Claim::kDone;
    Locked([&] { claim = ClaimTrial(t, out); });
    if (!announced && options_.progress && (out.resumed_trials > 0 || out.interrupted_trials > 0)) {
      fmt::print(*options_.progress, "resuming: {} finished trials, {} interrupted (re-run)\n",
                 out.resumed_trials, out.interrupted_trials);
    }
    announced = true;
    if (claim == Claim::kDone) break;
    if (claim == Claim::kWait) {
      std::this_thread::sleep_for(std::chrono::duration<double>(options_.poll_s));
      continue;
    }
    ++out.own_trials;
    if (claim == Claim::kRejected) {
      PrintProgress(t);
      if (++rejections_in_row >= options_.max_consecutive_rejections) {
        throw ConfigError(fmt::format(
            "the strategy proposed {} candidates in a row whose estimated costs exceed the "
            "budgets (last: {}); no candidate it can reach fits: relax the budgets or widen "
            "the space towards cheaper networks",
            rejections_in_row, t.result.error));
      }
      continue;
    }
    rejections_in_row = 0;
    TrialAnnotations pruning;
    {
      HeartbeatThread heartbeat(recorder_, t.id, options_.heartbeat_s);
      Evaluate(t, pruning);
    }
    std::exception_ptr objective_error;
    bool taken = false;
    Locked([&] {
      Sync();
      if (trials_.at(static_cast<std::size_t>(t.id)).status != TrialStatus::kRunning) {
        taken = true;  // reaped by another worker (requeued), or recorded by a retried attempt
        return;
      }
      if (t.status == TrialStatus::kComplete || t.status == TrialStatus::kPruned) {
        try {
          t.objective = objective_.Evaluate(t.result);
        } catch (const Error& e) {  // a misconfigured objective ends the study, trial recorded
          t.status = t.result.status = TrialStatus::kFailed;
          t.result.error = e.what();
          objective_error = std::current_exception();
          recorder_.FinishTrial(t, {}, {}, StrategyState());
          return;
        }
      }
      Finish(t, pruning);  // a copy: a retried attempt needs it again
      trials_[static_cast<std::size_t>(t.id)] = t;
    });
    if (objective_error) std::rethrow_exception(objective_error);
    if (taken) {
      if (options_.progress) {
        fmt::print(*options_.progress,
                   "trial {} is no longer running in the study (another worker took it for "
                   "interrupted after {:.0f} s without a heartbeat, or a retried write already "
                   "recorded it): this result is not recorded again\n",
                   t.id, options_.stale_after_s);
      }
      continue;
    }
    PrintProgress(t);
  }
  if (options_.progress && options_.print_best) {
    fmt::print(*options_.progress, "\nbest trials ({}):\n{}", objective_.Describe(),
               FormatTrialsTable(trials_, 5));
  }
  out.trials = trials_;
  out.space = space_;
  return out;
}

std::optional<TrialRecord> Driver::Screen(const Params& params, std::uint64_t seed) {
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
  t.params = params;
  t.seed = seed;
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

nlohmann::json Driver::StrategyState() const {
  return recorder_.KeepsStrategyState() ? strategy_->Save() : nlohmann::json();
}

void Driver::Finish(TrialRecord& t, TrialAnnotations extra) {
  strategy_->Tell({t.id, t.params, t.status, t.objective, t.result});
  std::vector<SpaceEdit> edits = strategy_->TakeSpaceEdits();
  for (const auto& e : edits) {
    space_.Apply(e);
    strategy_->OnSpaceChanged(space_, e);
  }
  TrialAnnotations annotations = strategy_->TakeAnnotations();
  annotations.diagnoses.insert(annotations.diagnoses.begin(), extra.diagnoses.begin(),
                               extra.diagnoses.end());
  recorder_.FinishTrial(t, edits, annotations, StrategyState());
  synced_version_ = recorder_.StateVersion();
  last_summary_ = SummariseAnnotations(annotations);
}

void Driver::Evaluate(TrialRecord& t, TrialAnnotations& pruning) {
  const Params& params = t.params;
  const double cpu_start_s = ProcessCpuSeconds();
  EpochMonitor monitor;
  if (options_.pruner) {
    monitor = [&](const LearningCurves& so_far, int max_epochs) {
      auto diagnosis = options_.pruner->ShouldPrune(trials_, so_far, max_epochs);
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
  t.finished_unix_s = NowUnixSeconds();
}

void Driver::PrintProgress(const TrialRecord& t) const {
  if (!options_.progress) return;
  const std::vector<TrialRecord>& trials = trials_;
  const std::int64_t done = CountFinished(trials);
  std::string what;
  if (t.status == TrialStatus::kComplete || t.status == TrialStatus::kPruned) {
    what = fmt::format("score {:.4f} acc {:.4f} {}{}", t.objective.score, t.result.accuracy,
                       t.objective.feasible ? "feasible" : "INFEASIBLE",
                       t.status == TrialStatus::kPruned
                           ? fmt::format(" PRUNED after {} epochs", t.result.curves.val_acc.size())
                           : "");
  } else if (t.status == TrialStatus::kRejected) {
    what = "REJECTED before training: " +
           t.result.error.substr(std::string("rejected before training: ").size());
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
  fmt::print(*options_.progress, "[{}/{}] {}trial {} {} | best {} | elapsed {}\n", done,
             options_.trials, options_.label.empty() ? "" : options_.label + " ", t.id, what,
             best_text, Clock(NowUnixSeconds() - start_unix_s_));
  options_.progress->flush();
}

}  // namespace symnas::search
