// The symbolic cell tuner's surrogate (see cell_model.hpp).
#include "symnas/tuner/cell_model.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>

namespace symnas::tuner {

CellModel::CellModel(const search::SearchSpace& space, search::BudgetCheck budget_check,
                     search::PathModelOptions options, int min_scored)
    : space_(space),
      budget_check_(std::move(budget_check)),
      options_(options),
      min_scored_(min_scored),
      features_(space_) {}

void CellModel::OnSpaceChanged(const search::SearchSpace& space) {
  space_ = space;
  features_ = search::PathFeatures(space_);
  for (auto& [params, score] : scored_) params = space_.Project(params);
  model_.reset();
  pool_.reset();
}

void CellModel::Clear() {
  scored_.clear();
  model_.reset();
}

void CellModel::Add(const search::Params& projected, double score) {
  scored_.emplace_back(projected, score);
  model_.reset();
}

bool CellModel::Ready() const {
  return min_scored_ > 0 && static_cast<int>(scored_.size()) >= std::max(2, min_scored_);
}

bool CellModel::WithinBudget(const search::Params& params) const {
  return !budget_check_ || budget_check_(params).within_budget;
}

const search::PathModel& CellModel::Model() const {
  if (!model_) model_ = search::PathModel::Fit(features_, scored_, options_);
  return *model_;
}

std::vector<double> CellModel::ExpectedImprovement(
    const std::vector<search::Params>& candidates) const {
  Eigen::MatrixXd columns(features_.size(), static_cast<Eigen::Index>(candidates.size()));
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    columns.col(static_cast<Eigen::Index>(c)) = features_(space_.Project(candidates[c]));
  }
  const Eigen::VectorXd ei = Model().ExpectedImprovement(columns);
  return {ei.data(), ei.data() + ei.size()};
}

std::optional<search::Params> CellModel::BestUnseen(
    const std::function<bool(const search::Params&)>& seen, std::mt19937_64& rng) {
  if (!Ready()) return std::nullopt;
  if (!pool_ || !pool_->enumerated) {
    pool_ = search::FeaturePool::Build(space_, nlohmann::json::object(), rng, features_,
                                       [this](const search::Params& p) { return WithinBudget(p); });
  }
  // Every row within budget; the seen ones are skipped below, in order of expected improvement.
  const std::vector<std::size_t> rows = pool_->OpenRows(std::vector<std::string>{});
  const Eigen::VectorXd ei = Model().ExpectedImprovement(pool_->Columns(rows));
  std::vector<std::size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return ei[static_cast<Eigen::Index>(a)] > ei[static_cast<Eigen::Index>(b)];
  });
  for (std::size_t k : order) {
    if (!seen(pool_->params[rows[k]])) return pool_->params[rows[k]];
  }
  return std::nullopt;
}

}  // namespace symnas::tuner
