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

/// How the tuner behaves: the redesigned default, or seed 000 as published.
enum class TunerProfile {
  /// Costs known before training are diagnosed first (over-budget candidates are rejected,
  /// recorded and fire the hardware rules; none is trained); fidelity-relative rules
  /// (rules/diagnosis.pl, rules/tuning.pl); the inner BO skips candidates over a budget and
  /// refines the incumbent in a trust region; an action helped iff the next result is within
  /// `credit_tolerance` of the incumbent or better.
  kDefault,
  /// Seed 000 (Bellodi et al. 2023): every proposal is trained, the original rules
  /// (rules/paper_*.pl), plain BO, an action helped iff the next trial beat the previous one.
  kPaper,
};
TunerProfile TunerProfileFromName(const std::string& name);
const char* TunerProfileName(TunerProfile profile);

/// Options of the strategy (table defaults in SymbolicStrategyParams()).
struct SymbolicOptions {
  TunerProfile profile = TunerProfile::kDefault;
  Selection selection = Selection::kSample;
  std::vector<std::string> rule_files;  ///< user rule files, added after the shipped ones
  /// metric -> budget, the `budgets` option; none: the strategy takes StrategyContext::budgets.
  std::map<std::string, double> budgets;
  nlohmann::json bo_options = nlohmann::json::object();  ///< options of the inner `bo`
  double prior_strength = kDefaultPriorStrength;         ///< see RelearnWeights; 0: plain LFI
  std::map<std::string, double> prior_weights;  ///< rule id -> initial weight from past studies
  double credit_tolerance = 0.01;  ///< default profile: score margin below the incumbent
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
  bool ScreensCandidates() const override { return options_.profile == TunerProfile::kDefault; }
  search::Params Ask() override;
  /// Passed to the inner BO (constant liar).
  void SetPending(const std::vector<search::Params>& pending) override { bo_->SetPending(pending); }
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
  /// Default profile: remembers the best feasible trained trial (the incumbent).
  void TrackIncumbent(const search::TrialOutcome& outcome);
  /// What the next result is compared with to credit the actions applied after `outcome`.
  search::ObjectiveValue CreditBaseline(const search::TrialOutcome& outcome) const;
  /// The learned weights of the rules that can fire in this study (a hardware rule only for a
  /// budget the study sets).
  std::map<std::string, double> RelevantWeights() const;
  double CreditTolerance() const {
    return options_.profile == TunerProfile::kDefault ? options_.credit_tolerance : 0.0;
  }

  /// The best feasible trained trial so far (default profile).
  struct Incumbent {
    search::ObjectiveValue objective;
    double val_acc = 0.0;
    double train_acc = 0.0;
  };

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
  std::optional<Incumbent> incumbent_;
  std::vector<std::string> unknown_prior_rules_;  ///< prior weights of rules not in this study
};

/// The options of the `symbolic` entry of the strategy table.
std::vector<OptionSpec> SymbolicStrategyParams();
/// Factory for the strategy table.
std::unique_ptr<search::Strategy> MakeSymbolicStrategy(const search::StrategyContext& context);

}  // namespace symnas::tuner
