// `evolution`: regularised (aging) evolution, Real et al. 2019 ("Regularized Evolution for
// Image Classifier Architecture Search", Algorithm 1).
#pragma once

#include "strategy_base.hpp"

namespace symnas::search {

/// Aging evolution. Steps: (1) the first P candidates are random; (2) the population is the P
/// most recently told trials (aging: the oldest dies when a child is told); (3) sample S members
/// uniformly without replacement, the best (feasible first, then score) is the parent;
/// (4) the child is the parent (projected on the current space) with at least one free
/// dimension mutated: numeric ones by a Gaussian step of 0.2 in the unit cube (or, with
/// probability 0.2, resampled), categorical ones to another choice; (5) an already tried child
/// is mutated again (up to 20 times). Failed trials stay in the population as the worst.
class EvolutionStrategy : public StrategyBase {
 public:
  explicit EvolutionStrategy(const StrategyContext& context) : StrategyBase(context) {}
  std::string name() const override { return "evolution"; }
  Params Ask() override;

 private:
  Params Mutate(const Params& parent);
};

}  // namespace symnas::search
