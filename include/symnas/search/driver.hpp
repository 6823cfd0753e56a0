// The study loop: ask -> estimate costs -> evaluate -> objective -> tell -> record, with resume
// after a crash, live progress and a summary. Persistence is behind StudyRecorder, which the
// SQLite store implements, so the search layer depends on neither SQLite nor libtorch.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "symnas/search/evaluator.hpp"
#include "symnas/search/objective.hpp"
#include "symnas/search/pruner.hpp"
#include "symnas/search/space.hpp"
#include "symnas/search/strategy.hpp"
#include "symnas/search/trial.hpp"

namespace symnas::search {

/// What the driver needs from persistence. Every call is atomic: after a crash at any moment
/// the recorder holds exactly the calls that returned.
class StudyRecorder {
 public:
  virtual ~StudyRecorder() = default;
  /// All trials, by id.
  virtual std::vector<TrialRecord> LoadTrials() = 0;
  /// All space edits, in the order applied.
  virtual std::vector<SpaceEdit> LoadSpaceEdits() = 0;
  /// The latest strategy snapshot, if any.
  virtual std::optional<nlohmann::json> LoadStrategyState() = 0;
  /// False for a recorder that never resumes a study (an in-memory bench run): the driver then
  /// hands it no snapshot (a null state) instead of saving the strategy twice per trial, which
  /// costs O(trials) each; a rebuild replays the recorded trials instead.
  virtual bool KeepsStrategyState() const { return true; }
  /// Records a trial as running, together with the space edits the strategy asked for with the
  /// candidate and the strategy's state right after it proposed it.
  virtual void BeginTrial(const TrialRecord& trial, const std::vector<SpaceEdit>& edits,
                          const nlohmann::json& strategy_state) = 0;
  /// Records a finished trial, the edits and annotations that followed it and the strategy's
  /// state after Tell, in one transaction.
  virtual void FinishTrial(const TrialRecord& trial, const std::vector<SpaceEdit>& edits,
                           const TrialAnnotations& annotations,
                           const nlohmann::json& strategy_state) = 0;
  /// Marks a running trial whose worker is gone as failed + interrupted with `error`, and
  /// requeued: its candidate waits to be re-run (BeginTrial of a trial with rerun_of = its id
  /// clears the flag). A trial that is no longer running is left as it is.
  virtual void MarkInterrupted(std::int64_t trial_id, const std::string& error) = 0;

  // Several workers on one study. Every worker's claims and results pass through Exclusive, so
  // the strategy state, space edits and learned weights change in one serial order.

  /// Runs `work` as one transaction that holds the study against every other worker: what it
  /// records commits together or not at all (an exception rolls it back and propagates).
  virtual void Exclusive(const std::function<void()>& work) { work(); }
  /// The trials with id >= first_id, by id (rows before a finished trial never change).
  virtual std::vector<TrialRecord> LoadTrialsFrom(std::int64_t first_id);
  /// A number that changes whenever any worker records a strategy snapshot (BeginTrial,
  /// FinishTrial): a worker whose own last write is no longer the latest rebuilds its strategy.
  virtual std::int64_t StateVersion() = 0;
  /// Records that the worker running `trial_id` is alive at `unix_s`. Called from a second
  /// thread while the trial trains: a store gives it a connection of its own.
  virtual void Heartbeat(std::int64_t trial_id, double unix_s) = 0;
};

/// A recorder that keeps everything in memory (tests, dry runs, bench runs): one worker.
class MemoryRecorder : public StudyRecorder {
 public:
  /// `keep_strategy_state` false: no snapshots (see KeepsStrategyState).
  explicit MemoryRecorder(bool keep_strategy_state = true)
      : keep_strategy_state_(keep_strategy_state) {}
  bool KeepsStrategyState() const override { return keep_strategy_state_; }
  std::vector<TrialRecord> LoadTrials() override {
    std::lock_guard<std::mutex> lock(mutex_);
    return trials_;
  }
  /// Copies only the trials from `first_id` on (the driver's Sync reads the open tail).
  std::vector<TrialRecord> LoadTrialsFrom(std::int64_t first_id) override;
  std::vector<SpaceEdit> LoadSpaceEdits() override { return edits_; }
  std::optional<nlohmann::json> LoadStrategyState() override { return state_; }
  void BeginTrial(const TrialRecord& trial, const std::vector<SpaceEdit>& edits,
                  const nlohmann::json& strategy_state) override;
  void FinishTrial(const TrialRecord& trial, const std::vector<SpaceEdit>& edits,
                   const TrialAnnotations& annotations,
                   const nlohmann::json& strategy_state) override;
  void MarkInterrupted(std::int64_t trial_id, const std::string& error) override;
  std::int64_t StateVersion() override { return state_version_; }
  void Heartbeat(std::int64_t trial_id, double unix_s) override;
  const std::vector<TrialAnnotations>& annotations() const { return annotations_; }

 private:
  bool keep_strategy_state_ = true;
  std::int64_t state_version_ = 0;
  std::mutex mutex_;  ///< trials_ against Heartbeat() from the trial's heartbeat thread
  std::vector<TrialRecord> trials_;
  std::vector<SpaceEdit> edits_;
  std::vector<TrialAnnotations> annotations_;
  std::optional<nlohmann::json> state_;
};

/// Builds the strategy for a (possibly edited) space.
using StrategyFactory = std::function<std::unique_ptr<Strategy>(const SearchSpace& space)>;

/// Loop settings.
struct DriverOptions {
  std::int64_t trials = 20;          ///< counted trials wanted in total (resumed ones included)
  std::uint64_t seed = 0;            ///< study seed; trial seeds derive from it
  std::ostream* progress = nullptr;  ///< live progress lines; nullptr: silent
  std::string strategy_name;         ///< recorded on each trial
  std::shared_ptr<Pruner> pruner;    ///< asked after every epoch; nullptr: no pruning
  /// Candidates rejected before training in a row after which the study stops with an error
  /// (the strategy cannot find a candidate within the budgets).
  int max_consecutive_rejections = 200;
  /// This worker's name on its trials: "host:pid" when empty.
  std::string worker;
  /// Shown before "trial N" in progress lines (e.g. "w2" for the second local worker).
  std::string label;
  /// Print the table of the best trials when the study is done (off for the children of
  /// `search --workers`, whose parent prints it once).
  bool print_best = true;
  /// Seconds between heartbeats of a running trial (a thread beside the training).
  double heartbeat_s = 10.0;
  /// A running trial of a worker on another host, or of a live process here, whose heartbeat is
  /// older than this is taken for interrupted (its worker died or hangs) and requeued. A trial
  /// of a process of this host that is gone is interrupted at once.
  double stale_after_s = 120.0;
  /// Seconds between looks at the study while the remaining trials all run on other workers.
  double poll_s = 1.0;
  /// How long a worker retries (with back-off from 0.5 s, doubling, at most 30 s) when the store
  /// is out of reach (StoreUnavailableError) before it gives up with that error.
  double store_retry_s = 600.0;
};

/// What Run() returns.
struct StudyOutcome {
  std::vector<TrialRecord> trials;      ///< all trials of the study, of every worker
  SearchSpace space;                    ///< the final space
  std::int64_t resumed_trials = 0;      ///< counted trials found in the recorder at start
  std::int64_t interrupted_trials = 0;  ///< trials this worker found interrupted (requeued)
  std::int64_t own_trials = 0;          ///< trials this worker evaluated (rejections included)
};

/// Runs a study as one of any number of workers (one for a plain search). Each claim happens in
/// recorder.Exclusive(): the worker brings its space and strategy up to the latest recorded
/// state (rebuilt from the edits and snapshot when another worker wrote since), marks running
/// trials whose worker is gone as interrupted + requeued, and then either re-runs a requeued
/// candidate (with its seed) or asks the strategy, telling it the candidates other workers are
/// still evaluating (Strategy::SetPending). Results are told in a second Exclusive(). So one
/// worker's study is exactly today's single-process study, and with several the strategy sees
/// one serial order of asks and tells. Screening: for a strategy that ScreensCandidates(), a
/// candidate whose estimated costs exceed a budget is recorded as rejected (zero training, not
/// counted) and told to the strategy, which is asked again. A trial whose EstimateCosts or
/// Evaluate throws symnas::Error, or returns kFailed, is recorded as failed with the error, the
/// strategy is told, and the study continues. Run() returns when the study has its trials.
class Driver {
 public:
  Driver(SearchSpace initial_space, StrategyFactory make_strategy, Evaluator& evaluator,
         const Objective& objective, StudyRecorder& recorder, DriverOptions options);
  StudyOutcome Run();

 private:
  /// What one claim produced.
  enum class Claim { kTrial, kRejected, kWait, kDone };
  /// Inside Exclusive: syncs, reaps, and claims a trial into `trial` (or records a rejection).
  Claim ClaimTrial(TrialRecord& trial, StudyOutcome& out);
  /// recorder_.Exclusive(work), retried while the store is out of reach; after a failed
  /// attempt trials_, space_ and strategy_ are rebuilt from the store (work rolled back).
  void Locked(const std::function<void()>& work);
  /// Brings trials_, space_ and strategy_ up to the recorder's latest state.
  void Sync();
  /// Marks running trials whose worker is gone as interrupted; returns how many.
  std::int64_t ReapStale();
  void Evaluate(TrialRecord& trial, TrialAnnotations& pruning);
  /// The rejected record of `params` when a screened strategy proposed it over budget.
  std::optional<TrialRecord> Screen(const Params& params, std::uint64_t seed);
  /// Tells the strategy, applies its edits and records the finished trial.
  void Finish(TrialRecord& t, TrialAnnotations extra = {});
  /// The strategy's snapshot for the recorder (null when it keeps none).
  nlohmann::json StrategyState() const;
  void PrintProgress(const TrialRecord& trial) const;

  SearchSpace initial_space_;
  SearchSpace space_;
  StrategyFactory make_strategy_;
  Evaluator& evaluator_;
  const Objective& objective_;
  StudyRecorder& recorder_;
  DriverOptions options_;
  std::unique_ptr<Strategy> strategy_;
  std::vector<TrialRecord> trials_;   ///< the study's trials as of the last Sync
  std::int64_t synced_version_ = -1;  ///< StateVersion() that strategy_ reflects
  double start_unix_s_ = 0.0;
  std::string last_summary_;  ///< what the strategy said about the last finished trial
};

/// When the worker of running trial `t` last showed it was alive (its heartbeat, or its start).
double LastSignOfLife(const TrialRecord& t);
/// "host:pid" of this process.
std::string ThisWorkerName();
/// True when running trial `t`, seen at `now_unix_s` by worker `self`, has no live worker: its
/// worker is `self` or unnamed (a crashed earlier process), a process of this host that is gone,
/// or silent for longer than `stale_after_s`.
bool WorkerIsGone(const TrialRecord& t, const std::string& self, double now_unix_s,
                  double stale_after_s);

/// Seed of trial `trial_id` of a study seeded with `study_seed` (SplitMix64 of both).
std::uint64_t TrialSeed(std::uint64_t study_seed, std::int64_t trial_id);
/// Budget check from an evaluator's cost estimates and constraints on estimable metrics.
/// Constraints on metrics the estimate lacks (accuracy, measured latency) are not checked.
BudgetCheck MakeBudgetCheck(Evaluator& evaluator, std::vector<Constraint> constraints);
/// Text table of the best `limit` completed trials (all trials if limit <= 0): id, score,
/// feasible, accuracy, flops, status, parameters.
std::string FormatTrialsTable(const std::vector<TrialRecord>& trials, int limit);

}  // namespace symnas::search
