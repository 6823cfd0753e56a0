// The study loop: ask -> estimate costs -> evaluate -> objective -> tell -> record, with resume
// after a crash, live progress and a summary. Persistence is behind StudyRecorder, which the
// SQLite store implements, so the search layer depends on neither SQLite nor libtorch.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
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
  /// Records a trial as running, together with the space edits the strategy asked for with the
  /// candidate and the strategy's state right after it proposed it.
  virtual void BeginTrial(const TrialRecord& trial, const std::vector<SpaceEdit>& edits,
                          const nlohmann::json& strategy_state) = 0;
  /// Records a finished trial, the edits and annotations that followed it and the strategy's
  /// state after Tell, in one transaction.
  virtual void FinishTrial(const TrialRecord& trial, const std::vector<SpaceEdit>& edits,
                           const TrialAnnotations& annotations,
                           const nlohmann::json& strategy_state) = 0;
  /// Marks a trial found running on resume as failed + interrupted with `error`.
  virtual void MarkInterrupted(std::int64_t trial_id, const std::string& error) = 0;
};

/// A recorder that keeps everything in memory (tests, dry runs).
class MemoryRecorder : public StudyRecorder {
 public:
  std::vector<TrialRecord> LoadTrials() override { return trials_; }
  std::vector<SpaceEdit> LoadSpaceEdits() override { return edits_; }
  std::optional<nlohmann::json> LoadStrategyState() override { return state_; }
  void BeginTrial(const TrialRecord& trial, const std::vector<SpaceEdit>& edits,
                  const nlohmann::json& strategy_state) override;
  void FinishTrial(const TrialRecord& trial, const std::vector<SpaceEdit>& edits,
                   const TrialAnnotations& annotations,
                   const nlohmann::json& strategy_state) override;
  void MarkInterrupted(std::int64_t trial_id, const std::string& error) override;
  const std::vector<TrialAnnotations>& annotations() const { return annotations_; }

 private:
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
};

/// What Run() returns.
struct StudyOutcome {
  std::vector<TrialRecord> trials;      ///< all trials, including interrupted ones
  SearchSpace space;                    ///< the final space
  std::int64_t resumed_trials = 0;      ///< counted trials found in the recorder at start
  std::int64_t interrupted_trials = 0;  ///< running trials found at start (re-run)
};

/// Runs a study. Screening: for a strategy that ScreensCandidates(), a candidate whose
/// estimated costs exceed a budget of the objective is recorded as rejected (zero training,
/// not counted) and told to the strategy, which is asked again. Resume: edits are replayed on the initial space, the strategy is rebuilt and
/// its latest snapshot loaded; a trial found running was interrupted: it is marked failed +
/// interrupted (never counted) and its candidate is evaluated again as a new trial. A trial
/// whose EstimateCosts or Evaluate throws symnas::Error, or returns kFailed, is recorded as
/// failed with the error, the strategy is told, and the study continues.
class Driver {
 public:
  Driver(SearchSpace initial_space, StrategyFactory make_strategy, Evaluator& evaluator,
         const Objective& objective, StudyRecorder& recorder, DriverOptions options);
  StudyOutcome Run();

 private:
  TrialRecord RunTrial(TrialRecord trial, Strategy& strategy,
                       const std::vector<TrialRecord>& trials);
  /// The rejected record of `params` when a screened strategy proposed it over budget.
  std::optional<TrialRecord> Screen(const Params& params, Strategy& strategy,
                                    const std::vector<TrialRecord>& trials);
  /// Tells the strategy, applies its edits and records the finished trial.
  void Finish(TrialRecord& t, Strategy& strategy, TrialAnnotations extra = {});
  void PrintProgress(const TrialRecord& trial, std::int64_t done,
                     const std::vector<TrialRecord>& trials) const;

  SearchSpace space_;
  StrategyFactory make_strategy_;
  Evaluator& evaluator_;
  const Objective& objective_;
  StudyRecorder& recorder_;
  DriverOptions options_;
  double start_unix_s_ = 0.0;
  std::string last_summary_;  ///< what the strategy said about the last finished trial
};

/// Seed of trial `trial_id` of a study seeded with `study_seed` (SplitMix64 of both).
std::uint64_t TrialSeed(std::uint64_t study_seed, std::int64_t trial_id);
/// Budget check from an evaluator's cost estimates and constraints on estimable metrics.
/// Constraints on metrics the estimate lacks (accuracy, measured latency) are not checked.
BudgetCheck MakeBudgetCheck(Evaluator& evaluator, std::vector<Constraint> constraints);
/// Text table of the best `limit` completed trials (all trials if limit <= 0): id, score,
/// feasible, accuracy, flops, status, parameters.
std::string FormatTrialsTable(const std::vector<TrialRecord>& trials, int limit);

}  // namespace symnas::search
