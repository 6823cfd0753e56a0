// The `symbolic_nb201` strategy: the symbolic tuner for cell spaces (NAS-Bench-201). A local
// search around an anchor cell proposes; after every told trial the strategy states facts about
// the cell (operations, budget ratios, progress), the rules of rules/nb201_*.pl diagnose
// problems and fire cell moves, and LFI re-learns the rule weights from whether moves helped.
#pragma once

#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "symnas/search/strategy.hpp"
#include "symnas/tuner/cell_model.hpp"
#include "symnas/tuner/lfi.hpp"
#include "symnas/tuner/reasoner.hpp"
#include "symnas/tuner/rule_base.hpp"

namespace symnas::tuner {

/// Options of the strategy (table defaults in CellSymbolicParams()).
struct CellSymbolicOptions {
  std::vector<std::string> rule_files;  ///< user rule files, added after rules/nb201_*.pl
  /// metric -> budget, the `budgets` option; none: the strategy takes StrategyContext::budgets.
  std::map<std::string, double> budgets;
  std::vector<std::string> cost_order;            ///< operation labels, cheapest first
  double prior_strength = kDefaultPriorStrength;  ///< see RelearnWeights; 0: plain LFI
  /// Weights are re-learnt after each of the first 30 pieces of evidence, then whenever the
  /// evidence has grown by this factor since the last re-learning (LFI over all evidence costs
  /// O(evidence): a geometric schedule keeps a 3000-trial run's total cost O(evidence)).
  double relearn_growth = 1.1;
  /// The path model orders the moves' candidates and makes model_jump once this many cells are
  /// scored (0: never); its noise and prior sd, in score units.
  int model_after = 10;
  search::PathModelOptions model;
  static CellSymbolicOptions FromJson(const nlohmann::json& options);
};

/// Everything the rules see about one told trial (see rules/nb201_diagnosis.pl).
struct CellFacts {
  std::map<std::string, std::string> ops;       ///< edge dimension -> operation
  std::string costliest_op;                     ///< "" when the cell has no edge
  std::map<std::string, double> budget_ratios;  ///< metric -> value / budget
  bool feasible = false;
  bool failed = false;
  bool new_best = false;
  bool new_anchor = false;
  int since_improvement = 0;
  int unseen_neighbours = 0;
};
/// ProbLog text of the facts, one per line.
std::string CellFactsToProlog(const CellFacts& facts);

/// The symbolic tuner on a cell space as a search::Strategy.
///
/// One iteration (after Tell of trial t):
///   1. evidence: the moves made after trial t-1 helped iff trial t beats the cell they started
///      from (Improved()); LFI re-learns the weights on the relearn_growth schedule;
///   2. the anchor (centre of the local search) becomes trial t if t beats it, or if t was
///      proposed by perturb/restart (the search moves there);
///   3. facts of trial t -> diagnosis + tuning rules (logic engine, current weights);
///   4. the proposed moves are sampled with their probabilities (seeded); the most probable
///      sampled move that yields an unseen cell gives the next candidate;
///   5. otherwise the base local search: mutate_edge of the anchor, then perturb, then restart.
/// No cell is proposed twice; the space is never edited.
class CellSymbolicStrategy : public search::Strategy {
 public:
  /// Loads and validates the rules (RuleError for a rule naming an unknown move).
  CellSymbolicStrategy(const search::StrategyContext& context, CellSymbolicOptions options);

  std::string name() const override { return "symbolic_nb201"; }
  search::Params Ask() override;
  /// Cells other workers evaluate count as seen until the next SetPending.
  void SetPending(const std::vector<search::Params>& pending) override;
  void Tell(const search::TrialOutcome& outcome) override;
  void OnSpaceChanged(const search::SearchSpace& space, const search::SpaceEdit& edit) override;
  search::TrialAnnotations TakeAnnotations() override;
  nlohmann::json Save() const override;
  void Load(const nlohmann::json& state) override;

  /// Current weight of every learnable rule.
  const std::map<std::string, double>& weights() const { return weights_; }
  const std::vector<RuleEvidence>& evidence() const { return evidence_; }
  /// Facts of the last told trial.
  const CellFacts& last_facts() const { return last_facts_; }

 private:
  /// A cell with its objective.
  struct Scored {
    search::Params params;
    search::ObjectiveValue objective;
  };
  /// Moves made after one trial, waiting for the next trial's outcome.
  struct Pending {
    std::int64_t trial_id = -1;
    search::ObjectiveValue before;  ///< objective of the cell the move started from
    std::vector<std::string> rule_ids;
  };

  bool Seen(const search::Params& params) const;
  void MarkSeen(const search::Params& params);
  /// A complete feasible trial's score joins the path model.
  void AddToModel(const search::Params& params, bool complete,
                  const search::ObjectiveValue& objective);
  void GatherEvidence(const search::TrialOutcome& outcome);
  void UpdateAnchor(const search::TrialOutcome& outcome, CellFacts& facts);
  CellFacts FactsOf(const search::TrialOutcome& outcome, CellFacts facts) const;
  void Diagnose(const search::TrialOutcome& outcome, const CellFacts& facts);
  /// Makes move `name` from its base cell; nullopt when it does not apply.
  std::optional<search::Params> Move(const std::string& name, const search::Params& told,
                                     std::string& note);
  /// The base local search: mutate_edge, perturb, restart of the anchor (a random cell first).
  search::Params Fallback(std::string& move_name, std::string& note);

  search::SearchSpace space_;
  search::CostEstimate estimate_costs_;  ///< may be empty: no cost known before evaluation
  CellSymbolicOptions options_;
  RuleBase rules_;
  std::mt19937_64 rng_;
  std::map<std::string, double> weights_;
  std::vector<RuleEvidence> evidence_;
  std::size_t evidence_at_relearn_ = 0;
  std::set<std::string> seen_;               ///< ParamsKey of every cell evaluated or proposed
  std::set<std::string> running_elsewhere_;  ///< ParamsKey of cells other workers evaluate
  nlohmann::json history_ = nlohmann::json::array();  ///< one entry per told trial
  std::optional<Scored> anchor_;
  std::optional<Scored> best_;
  int since_improvement_ = 0;
  bool reanchor_ = false;  ///< the next told cell becomes the anchor (after perturb/restart)
  std::optional<search::Params> next_;
  std::optional<Pending> pending_;
  CellModel model_;  ///< rebuilt from history_ by Load
  CellFacts last_facts_;
  search::TrialAnnotations annotations_;
};

/// The options of the `symbolic_nb201` entry of the strategy table.
std::vector<OptionSpec> CellSymbolicParams();
/// Factory for the strategy table.
std::unique_ptr<search::Strategy> MakeCellSymbolicStrategy(const search::StrategyContext& context);

}  // namespace symnas::tuner
