// The symbolic cell tuner's surrogate: the path model (search/path_model.hpp) fitted on the
// complete feasible trials of `symbolic_nb201`, and what its moves ask of it: which candidates
// are known to be over budget, the expected improvement of a list of cells, and the most
// promising unseen cell of the whole space.
#pragma once

#include <functional>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "symnas/search/path_model.hpp"
#include "symnas/search/strategy.hpp"

namespace symnas::tuner {

class CellModel {
 public:
  /// `budget_check` may be empty (every candidate is within budget); the model is used once it
  /// has `min_scored` scored cells (0: never).
  CellModel(const search::SearchSpace& space, search::BudgetCheck budget_check,
            search::PathModelOptions options, int min_scored);

  /// The space changed: features and pool are rebuilt, the scored cells projected on it.
  void OnSpaceChanged(const search::SearchSpace& space);
  /// Forgets every scored cell (before a strategy's state is loaded).
  void Clear();
  /// Adds the score of a complete feasible cell (projected on the space).
  void Add(const search::Params& projected, double score);
  /// True when the model has enough scored cells to be used.
  bool Ready() const;
  /// False when the candidate's costs known before evaluation exceed a budget.
  bool WithinBudget(const search::Params& params) const;
  /// Expected improvement of every candidate over the best scored cell (Ready() required).
  std::vector<double> ExpectedImprovement(const std::vector<search::Params>& candidates) const;
  /// The within-budget candidate of the whole space (or of a sample of it, drawn with `rng`) of
  /// largest expected improvement that is not `seen`; nullopt when not Ready() or none.
  std::optional<search::Params> BestUnseen(const std::function<bool(const search::Params&)>& seen,
                                           std::mt19937_64& rng);

 private:
  const search::PathModel& Model() const;

  search::SearchSpace space_;
  search::BudgetCheck budget_check_;
  search::PathModelOptions options_;
  int min_scored_;
  search::PathFeatures features_;
  std::vector<std::pair<search::Params, double>> scored_;
  mutable std::optional<search::PathModel> model_;  ///< fitted on scored_, reset by Add
  std::optional<search::FeaturePool> pool_;         ///< an enumerated pool is kept per space
};

}  // namespace symnas::tuner
