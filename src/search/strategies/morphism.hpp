// `morphism`: the seed-000 comparator, AutoKeras-style network morphism guided by BO (Jin et
// al. 2019, "Auto-Keras"), as modified in Bellodi et al. 2023: over-budget candidates are
// discarded and regenerated. Works on the CNN template parameters of docs/nn.md.
#pragma once

#include "strategy_base.hpp"

namespace symnas::search {

/// Network morphism search. Steps per Ask: (1) the first candidate is the template default,
/// the next initial_random - 1 are random; (2) afterwards, children are made from the
/// `parents` best networks by one or two morphisms — deepen (conv_blocks + 1 with a new
/// filters_<i> equal to the last block's, or convs_per_block + 1), widen (double filters_<i> or
/// units_<i>), add_dense (dense_layers + 1 with a new units_<i> equal to the last layer's);
/// (3) every child is checked with the budget callback and discarded if over budget, until
/// `candidates` children are kept or max_regenerate were discarded; (4) a GP over architecture
/// features (depth, width, dense layers) scores the children by expected improvement and the
/// best is proposed; (5) the space is grown to contain it (TakeSpaceEdits: add filters_<i> /
/// units_<i> dimensions, unfix and expand structural bounds), each edit naming the morphism.
class MorphismStrategy : public StrategyBase {
 public:
  explicit MorphismStrategy(const StrategyContext& context) : StrategyBase(context) {}
  std::string name() const override { return "morphism"; }
  Params Ask() override;
  std::vector<SpaceEdit> TakeSpaceEdits() override;

  /// Applies one morphism ("deepen", "widen", "add_dense") to `params`; false if the limits
  /// forbid it. Exposed for tests.
  bool Morph(const std::string& op, Params& params, std::mt19937_64& rng) const;
  /// Architecture features the GP sees (each scaled to about [0, 1]).
  static Eigen::VectorXd ArchFeatures(const Params& params);

 private:
  bool WithinBudget(const Params& params) const;
  Params InitialCandidate();
  void QueueEditsFor(const Params& child, const std::string& op, std::int64_t parent_trial);

  std::vector<SpaceEdit> pending_edits_;
};

}  // namespace symnas::search
