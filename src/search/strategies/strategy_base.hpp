// Shared plumbing of the built-in strategies: the space, a seeded RNG, the list of every
// observation told so far, and Save/Load of those; each strategy adds its own state.
#pragma once

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "symnas/search/strategy.hpp"

namespace symnas::search {

/// One past trial as a strategy remembers it. Kept across space edits (params as proposed).
struct Observation {
  std::int64_t trial_id = -1;
  Params params;
  bool complete = false;  ///< false: failed
  double score = 0.0;     ///< objective score (complete trials)
  bool feasible = true;
  double violation = 0.0;
};

/// True when a ranks strictly better than b (feasible first, then score, then violation).
bool Better(const Observation& a, const Observation& b);

/// Base of the built-in strategies.
class StrategyBase : public Strategy {
 public:
  explicit StrategyBase(const StrategyContext& context);
  void Tell(const TrialOutcome& outcome) override;
  void OnSpaceChanged(const SearchSpace& space, const SpaceEdit& edit) override;
  nlohmann::json Save() const override;
  void Load(const nlohmann::json& state) override;
  /// Pending candidates count as tried (SampleUntried, Tried) until the next SetPending.
  void SetPending(const std::vector<Params>& pending) override;

 protected:
  /// Hooks for derived strategies.
  virtual void Learn(const Observation&) {}
  virtual nlohmann::json SaveExtra() const { return nlohmann::json::object(); }
  virtual void LoadExtra(const nlohmann::json&) {}

  const SearchSpace& space() const { return space_; }
  std::mt19937_64& rng() { return rng_; }
  const nlohmann::json& options() const { return options_; }
  const std::vector<Observation>& history() const { return history_; }
  const BudgetCheck& budget_check() const { return budget_check_; }
  /// Completed observations, best first.
  std::vector<const Observation*> Ranked() const;
  /// A uniform sample not yet tried (up to `attempts` tries; then any sample).
  Params SampleUntried(int attempts = 50);
  /// True when this exact candidate (projected on the current space) was already observed or
  /// is being evaluated by another worker.
  bool Tried(const Params& params) const;
  /// The candidates other workers are evaluating (see Strategy::SetPending).
  const std::vector<Params>& pending() const { return pending_; }

 private:
  SearchSpace space_;
  std::mt19937_64 rng_;
  nlohmann::json options_;
  BudgetCheck budget_check_;
  std::vector<Observation> history_;
  /// Keys of the projected history, rebuilt lazily after Tell, an edit or Load.
  mutable std::unordered_set<std::string> tried_keys_;
  mutable bool tried_stale_ = true;
  std::vector<Params> pending_;
  std::unordered_set<std::string> pending_keys_;
};

/// RNG state <-> text (for Save/Load).
std::string RngToString(const std::mt19937_64& rng);
void RngFromString(std::mt19937_64& rng, const std::string& text);

}  // namespace symnas::search
