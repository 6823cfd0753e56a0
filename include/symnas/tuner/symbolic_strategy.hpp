// The `symbolic` strategy (Bellodi et al. 2023): BO proposes in the current space; after each
// told trial the tuner extracts facts, diagnoses problems, picks tuning actions, turns them into
// recorded space edits, and re-learns the rule weights from whether past actions helped.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "symnas/search/strategy.hpp"
#include "symnas/tuner/lfi.hpp"
#include "symnas/tuner/reasoner.hpp"
#include "symnas/tuner/rule_base.hpp"

namespace symnas::tuner {

/// Options of the strategy (table defaults in SymbolicStrategyParams()).
struct SymbolicOptions {
  Selection selection = Selection::kSample;
  std::vector<std::string> rule_files;    ///< user rule files, added after the shipped ones
  std::map<std::string, double> budgets;  ///< metric -> budget (the objective's constraints)
  nlohmann::json bo_options = nlohmann::json::object();  ///< options of the inner `bo`
  double prior_strength = kDefaultPriorStrength;         ///< see RelearnWeights; 0: plain LFI
  static SymbolicOptions FromJson(const nlohmann::json& options);
};

/// The symbolic tuner as a search::Strategy.
///
/// One iteration (after Tell of trial t):
///   1. evidence: each rule applied after trial t-1 helped iff trial t improved the objective
///      over trial t-1 (Improved()); LFI re-learns every learnable weight from all evidence;
///   2. facts of trial t (curves, integrals, thresholds, metrics, budgets);
///   3. diagnosis + tuning rules evaluated by the logic engine with the current weights;
///   4. selection (sampled with the strategy's seeded RNG, or argmax);
///   5. each selected action turned into space edits (TakeSpaceEdits hands them to the driver,
///      which applies and records them; BO keeps its observations across edits).
class SymbolicStrategy : public search::Strategy {
 public:
  /// Loads and validates the rules (RuleError for a rule naming an unknown action, engine
  /// errors for a rule that does not run on a sample trial), builds the inner BO.
  SymbolicStrategy(const search::StrategyContext& context, SymbolicOptions options);

  std::string name() const override { return "symbolic"; }
  search::Params Ask() override;
  void Tell(const search::TrialOutcome& outcome) override;
  void OnSpaceChanged(const search::SearchSpace& space, const search::SpaceEdit& edit) override;
  std::vector<search::SpaceEdit> TakeSpaceEdits() override;
  search::TrialAnnotations TakeAnnotations() override;
  nlohmann::json Save() const override;
  void Load(const nlohmann::json& state) override;

  /// Current weight of every learnable rule (initial ones until evidence arrives).
  const std::map<std::string, double>& weights() const { return weights_; }
  const std::vector<RuleEvidence>& evidence() const { return evidence_; }
  const RuleBase& rules() const { return rules_; }

 private:
  /// Rules applied after one trial, waiting for the next trial's outcome.
  struct Pending {
    std::int64_t trial_id = -1;
    search::ObjectiveValue before;
    std::vector<std::string> rule_ids;
  };

  /// Applies pending edits the driver has not taken yet to the strategy's own view of the space
  /// (and BO's), so that Ask proposes inside the space those edits make.
  void SyncPendingEdits();
  /// The layer-adding actions' check: the candidate is within budget and builds (false when
  /// the study gave no budget check).
  bool Buildable(const search::Params& params) const;
  void GatherEvidence(const search::TrialOutcome& outcome);
  void Diagnose(const search::TrialOutcome& outcome);

  search::SearchSpace space_;
  search::BudgetCheck budget_check_;
  SymbolicOptions options_;
  RuleBase rules_;
  std::unique_ptr<search::Strategy> bo_;
  std::mt19937_64 rng_;
  int iteration_ = 0;
  std::map<std::string, double> weights_;
  std::vector<RuleEvidence> evidence_;
  std::optional<Pending> pending_;
  std::vector<search::SpaceEdit> pending_edits_;
  std::size_t pending_in_view_ = 0;  ///< how many of pending_edits_ space_ already includes
  search::TrialAnnotations annotations_;
};

/// The options of the `symbolic` entry of the strategy table.
std::vector<search::StrategyParam> SymbolicStrategyParams();
/// Factory for the strategy table.
std::unique_ptr<search::Strategy> MakeSymbolicStrategy(const search::StrategyContext& context);

}  // namespace symnas::tuner
