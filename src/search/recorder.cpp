// The in-memory StudyRecorder (kept in process memory: trials, edits, annotations, the strategy
// snapshot) and StudyRecorder's default LoadTrialsFrom.
#include <fmt/core.h>

#include <algorithm>

#include "symnas/common/error.hpp"
#include "symnas/search/driver.hpp"

namespace symnas::search {

void MemoryRecorder::BeginTrial(const TrialRecord& trial, const std::vector<SpaceEdit>& edits,
                                const nlohmann::json& strategy_state) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (trial.id != static_cast<std::int64_t>(trials_.size())) {
    throw StoreError(fmt::format("trial id {} is not the next id {}", trial.id, trials_.size()));
  }
  trials_.push_back(trial);
  if (trial.rerun_of >= 0) trials_.at(static_cast<std::size_t>(trial.rerun_of)).requeued = false;
  edits_.insert(edits_.end(), edits.begin(), edits.end());
  if (keep_strategy_state_) state_ = strategy_state;
  ++state_version_;
}

void MemoryRecorder::FinishTrial(const TrialRecord& trial, const std::vector<SpaceEdit>& edits,
                                 const TrialAnnotations& annotations,
                                 const nlohmann::json& strategy_state) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (trial.id < 0 || trial.id >= static_cast<std::int64_t>(trials_.size())) {
    throw StoreError(fmt::format("no trial {} to finish", trial.id));
  }
  trials_[static_cast<std::size_t>(trial.id)] = trial;
  edits_.insert(edits_.end(), edits.begin(), edits.end());
  annotations_.push_back(annotations);
  if (keep_strategy_state_) state_ = strategy_state;
  ++state_version_;
}

void MemoryRecorder::MarkInterrupted(std::int64_t trial_id, const std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& t = trials_.at(static_cast<std::size_t>(trial_id));
  if (t.status != TrialStatus::kRunning) return;
  t.status = TrialStatus::kFailed;
  t.interrupted = t.requeued = true;
  t.result.status = TrialStatus::kFailed;
  t.result.error = error;
}

std::vector<TrialRecord> StudyRecorder::LoadTrialsFrom(std::int64_t first_id) {
  std::vector<TrialRecord> all = LoadTrials();
  std::erase_if(all, [&](const TrialRecord& t) { return t.id < first_id; });
  return all;
}

std::vector<TrialRecord> MemoryRecorder::LoadTrialsFrom(std::int64_t first_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto first = static_cast<std::size_t>(
      std::clamp<std::int64_t>(first_id, 0, static_cast<std::int64_t>(trials_.size())));
  return {trials_.begin() + static_cast<std::ptrdiff_t>(first), trials_.end()};
}

void MemoryRecorder::Heartbeat(std::int64_t trial_id, double unix_s) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (trial_id >= 0 && trial_id < static_cast<std::int64_t>(trials_.size())) {
    auto& t = trials_[static_cast<std::size_t>(trial_id)];
    if (t.status == TrialStatus::kRunning) t.heartbeat_unix_s = unix_s;
  }
}

}  // namespace symnas::search
