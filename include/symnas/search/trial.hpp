// A trial as the driver and the study store see it: candidate, seed, estimated costs, outcome,
// objective value, timings, plus the annotations a strategy (the symbolic tuner) attaches.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "symnas/search/objective.hpp"
#include "symnas/search/types.hpp"

namespace symnas::search {

/// A problem diagnosed on a trial (e.g. "overfitting" with its probability).
struct Diagnosis {
  std::string problem;
  double probability = 1.0;
  nlohmann::json details = nlohmann::json::object();
};

/// A tuning action considered after a trial; `applied` when it edited the space.
struct ActionRecord {
  std::string action;
  double probability = 1.0;
  bool applied = false;
  nlohmann::json details = nlohmann::json::object();
};

/// What a strategy may attach to the trial it was just told about; stored in the same
/// transaction as the trial (tables diagnoses, actions, rule_weights).
struct TrialAnnotations {
  std::vector<Diagnosis> diagnoses;
  std::vector<ActionRecord> actions;
  std::map<std::string, double> rule_weights;  ///< rule id -> learned weight (empty: none)
  bool Empty() const { return diagnoses.empty() && actions.empty() && rule_weights.empty(); }
};

/// One trial of a study. Invariant: status kRunning only while it is being evaluated (a
/// running trial found on resume was interrupted); `objective` is meaningful only for kComplete.
struct TrialRecord {
  std::int64_t id = -1;  ///< 0-based, dense, in order of start
  Params params;
  TrialStatus status = TrialStatus::kRunning;
  std::uint64_t seed = 0;                         ///< the seed the evaluator got
  std::string strategy;                           ///< the strategy that proposed it
  std::map<std::string, double> estimated_costs;  ///< Evaluator::EstimateCosts (empty if it threw)
  EvalResult result;         ///< outcome (metrics include the estimated costs it lacks)
  ObjectiveValue objective;  ///< score, feasibility, violation, vector
  double started_unix_s = 0.0;
  double finished_unix_s = 0.0;
  bool interrupted = false;  ///< was running when the process died; stored as failed, not counted
  /// Interrupted and waiting to be re-run: the next worker to claim a trial runs its candidate
  /// again (with its seed) as a new trial whose rerun_of names it, which clears this flag.
  bool requeued = false;
  std::int64_t rerun_of = -1;     ///< the interrupted trial this one re-runs (-1: none)
  std::string worker;             ///< "host:pid" of the worker that ran it ("" before workers)
  double heartbeat_unix_s = 0.0;  ///< last sign of life of its worker while running
};

/// JSON form of a trial (export and tests); FromJson inverts it.
nlohmann::json TrialToJson(const TrialRecord& trial);
TrialRecord TrialFromJson(const nlohmann::json& json);

/// Counted trials (complete or failed, not interrupted).
std::int64_t CountFinished(const std::vector<TrialRecord>& trials);
/// Index of the best completed trial: feasible before infeasible, then higher score, then
/// smaller violation, then lower id; -1 if none is complete.
std::int64_t BestTrialIndex(const std::vector<TrialRecord>& trials);
/// Indices of completed trials sorted best first (same order as BestTrialIndex).
std::vector<std::size_t> RankTrials(const std::vector<TrialRecord>& trials);

}  // namespace symnas::search
