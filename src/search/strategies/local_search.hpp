// `local_search`: plain local search over the one-edit neighbourhood with random restarts
// (White, Nolen, Savani: "Local Search is State of the Art for Neural Architecture Search
// Benchmarks", 2021), the baseline for cell spaces.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <unordered_set>

#include "strategy_base.hpp"

namespace symnas::search {

/// Local search. Steps: (1) start at a random untried cell (the best of `initial_random`
/// random cells); (2) list every candidate that differs from the current cell in one free
/// categorical or integer dimension (a categorical dimension takes each other choice, an
/// integer one +-1), in random order, without candidates already evaluated, isomorphic to one
/// evaluated (`isomorphism`: NAS-Bench-201 cells with the same dead-code-eliminated network are
/// one), or over budget by the study's budget check (skipped without evaluation); (3) evaluate
/// them one by one: `first` improvement moves to the first one that beats the current cell
/// (feasible first, then score), `best` improvement evaluates them all and moves to the best
/// if it beats the current cell; (4) a cell no neighbour improves on is a local optimum:
/// restart at (1) (`restart: random`) or, with `restart: perturb` (iterated local search), at
/// an unseen within-budget cell two random edits away from the best cell so far. Other
/// dimensions keep the current cell's value.
class LocalSearchStrategy : public StrategyBase {
 public:
  explicit LocalSearchStrategy(const StrategyContext& context);
  std::string name() const override { return "local_search"; }
  Params Ask() override;
  /// Candidates queued for the old space are dropped: the neighbourhood is rebuilt in the new one.
  void OnSpaceChanged(const SearchSpace& space, const SpaceEdit& edit) override;

 protected:
  void Learn(const Observation& o) override;
  nlohmann::json SaveExtra() const override;
  void LoadExtra(const nlohmann::json& state) override;

 private:
  /// Canonical key of a candidate: isomorphic candidates share it.
  std::string Canonical(const Params& params) const;
  bool Seen(const Params& params) const;
  bool WithinBudget(const Params& params) const;
  /// Untried (and not isomorphic to a tried), within-budget random cell.
  Params RandomStart();
  /// Two random edits of `from`.
  Params Perturbed(const Params& from);
  void BuildNeighbourhood();

  bool first_improvement_ = false;
  bool isomorphism_ = true;
  bool nb201_cells_ = false;  ///< the space has edge_0..edge_5 over the NAS-Bench-201 ops
  int initial_random_ = 1;
  bool perturb_restart_ = false;  ///< restart: perturb (two edits of the best cell so far)

  std::optional<Observation> current_;         ///< the cell whose neighbourhood is searched
  std::optional<Observation> best_neighbour_;  ///< best improvement: best evaluated so far
  std::deque<Params> queue_;                   ///< neighbours still to evaluate
  bool neighbourhood_built_ = false;
  int starts_left_ = 0;                           ///< random cells still to draw for this start
  std::optional<Observation> start_best_;         ///< best of the random cells of this start
  std::optional<Params> asked_;                   ///< the last candidate Ask returned
  std::string asked_role_;                        ///< "start" or "neighbour"
  mutable std::unordered_set<std::string> seen_;  ///< canonical keys of every told candidate
};

}  // namespace symnas::search
