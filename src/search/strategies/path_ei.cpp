// PathEiStrategy: random start, then a Bayesian linear regression on path encodings and the
// untried within-budget candidate of largest expected improvement (see path_ei.hpp).
#include "path_ei.hpp"

#include "enumerate.hpp"
#include "symnas/common/error.hpp"

namespace symnas::search {

PathEiStrategy::PathEiStrategy(const StrategyContext& context)
    : StrategyBase(context), features_(space()) {
  model_options_ = {options().value("noise", 0.002), options().value("prior_sd", 0.01)};
  if (model_options_.noise <= 0.0 || model_options_.prior_sd <= 0.0) {
    throw ConfigError("strategy 'path_ei': noise and prior_sd must be positive");
  }
}

void PathEiStrategy::OnSpaceChanged(const SearchSpace& space, const SpaceEdit& edit) {
  StrategyBase::OnSpaceChanged(space, edit);
  features_ = PathFeatures(this->space());
  pool_valid_ = false;
}

bool PathEiStrategy::WithinBudget(const Params& params) const {
  return !budget_check() || budget_check()(params).within_budget;
}

Params PathEiStrategy::RandomWithinBudget() {
  Params p = SampleUntried();
  for (int i = 1; i < 2000 && (Tried(p) || !WithinBudget(p)); ++i) p = SampleUntried();
  return p;
}

Params PathEiStrategy::Ask() {
  std::vector<const Observation*> fit;  // the model's data: complete feasible trials
  for (const auto& o : history()) {
    if (o.complete && o.feasible) fit.push_back(&o);
  }
  if (static_cast<int>(history().size()) < options().value("initial_random", 10) ||
      fit.size() < 2) {
    return RandomWithinBudget();
  }
  if (!pool_valid_ || !pool_.enumerated) {
    pool_ = FeaturePool::Build(space(), options(), rng(), features_,
                               [this](const Params& p) { return WithinBudget(p); });
    pool_valid_ = true;
  }
  std::vector<std::string> taken;
  for (const auto& o : history()) taken.push_back(ParamsKey(space().Project(o.params)));
  for (const auto& p : pending()) taken.push_back(ParamsKey(space().Project(p)));
  const std::vector<std::size_t> open = pool_.OpenRows(taken);
  if (open.empty()) return RandomWithinBudget();

  std::vector<std::pair<Params, double>> scored;
  for (const Observation* o : fit) scored.emplace_back(space().Project(o->params), o->score);
  const PathModel model = PathModel::Fit(features_, scored, model_options_);
  return pool_.params[BestExpectedImprovement(model, pool_, open)];
}

}  // namespace symnas::search
