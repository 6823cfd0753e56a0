// The ask/tell interface every search strategy implements, the context it is built with, the
// shape of a strategy-table entry and the search layer's own table (SearchStrategies(): every
// strategy without the symbolic tuners). The full table, with the symbolic tuners, is in
// symnas/strategies/table.hpp, a layer above both search and tuner; `symnas search --help` and
// every "valid names" message list the names from the table itself.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "symnas/common/options.hpp"
#include "symnas/search/objective.hpp"
#include "symnas/search/space.hpp"
#include "symnas/search/trial.hpp"
#include "symnas/search/types.hpp"

namespace symnas::search {

/// What a strategy is told after a trial ends.
struct TrialOutcome {
  std::int64_t trial_id = -1;
  Params params;
  TrialStatus status = TrialStatus::kComplete;  ///< kComplete or kFailed
  ObjectiveValue objective;                     ///< meaningful only when status == kComplete
  EvalResult result;                            ///< the raw evaluation (curves, metrics, error)
};

/// Verdict of a budget check on a candidate before it is trained.
struct BudgetVerdict {
  bool within_budget = true;
  std::string reason;  ///< why not: "flops 1.3e+07 > budget 1e+07", or the ArchError text
};

/// Checks a candidate's estimated costs against the study's budgets (the driver builds it from
/// Evaluator::EstimateCosts and the objective's constraints). Never throws: an invalid
/// candidate is a verdict with within_budget = false.
using BudgetCheck = std::function<BudgetVerdict(const Params&)>;

/// A candidate's costs known before it is trained (Evaluator::EstimateCosts: flops, params, the
/// NAS-Bench-201 table's latency_ms); throws ArchError for a candidate that cannot be built.
using CostEstimate = std::function<std::map<std::string, double>(const Params&)>;

/// Everything a strategy is built from.
struct StrategyContext {
  SearchSpace space;       ///< the current space (after any replayed edits)
  std::uint64_t seed = 0;  ///< all randomness derives from it
  nlohmann::json options = nlohmann::json::object();  ///< table defaults merged with the user's
  BudgetCheck budget_check;  ///< may be empty: every candidate is within budget
  /// The study's budgets, typed (the objective's constraints; the symbolic tuners state a fact
  /// for each). Empty when the config gives the strategy its own `budgets` option, which then
  /// replaces them.
  std::vector<Constraint> budgets;
  /// May be empty: no cost is known before training (pareto_rank reads the objective
  /// components it gives, e.g. latency_ms, instead of predicting them).
  CostEstimate estimate_costs;
  /// Names of the objective vector's components (Objective::VectorNames(), e.g. {"-accuracy",
  /// "latency_ms"}); may be empty.
  std::vector<std::string> objective_names;
};

/// A search strategy. The driver owns the loop: Ask -> evaluate -> Tell, and tells the strategy
/// about every space edit. Invariants: Ask returns a candidate that space().Contains(); the same
/// seed and the same sequence of calls give the same candidates; Load(Save()) restores a
/// strategy that then behaves exactly as the saved one would have.
class Strategy {
 public:
  virtual ~Strategy() = default;
  /// The registry name, e.g. "bo".
  virtual std::string name() const = 0;
  /// Proposes the next candidate.
  virtual Params Ask() = 0;
  /// The candidates other workers are evaluating right now (asked, not yet told), given before
  /// every Ask. A strategy should not propose one of them again (BO: a constant liar; evolution:
  /// no duplicate child). Default: ignored. Not part of the saved state: it is set anew.
  virtual void SetPending(const std::vector<Params>& pending) { (void)pending; }
  /// Learns from a finished trial (complete or failed). Candidates may come from elsewhere
  /// (replayed or user-supplied trials): a strategy must accept any params.
  virtual void Tell(const TrialOutcome& outcome) = 0;
  /// The space changed by `edit`; `space` is the new space. Past observations must be kept.
  virtual void OnSpaceChanged(const SearchSpace& space, const SpaceEdit& edit) = 0;
  /// Edits the strategy itself wants applied (the symbolic tuner's actions after a Tell; the
  /// morphism strategy's growth of the space after an Ask). The driver calls it after every Ask
  /// and every Tell, applies and records the edits in order, and calls OnSpaceChanged for each.
  /// A candidate returned by Ask must lie in the space once the edits taken after it are applied.
  virtual std::vector<SpaceEdit> TakeSpaceEdits() { return {}; }
  /// Notes on the last told trial (diagnoses, actions, rule weights) for the store. Default none.
  virtual TrialAnnotations TakeAnnotations() { return {}; }
  /// True when the driver should screen this strategy's candidates before training: a
  /// candidate whose estimated costs exceed a budget is stored as rejected (never trained) and
  /// told to the strategy with status kRejected, and the strategy is asked again.
  virtual bool ScreensCandidates() const { return false; }
  /// Complete state for resume (JSON, no binary).
  virtual nlohmann::json Save() const = 0;
  /// Restores a state produced by Save() of the same strategy kind; StoreError if malformed.
  virtual void Load(const nlohmann::json& state) = 0;
};

/// One line of a strategy table. What a strategy can do is read from its options (callers test
/// HasOption("rules"), not the name) and from the flags below.
struct StrategyEntry {
  const char* name;
  const char* description;
  std::vector<OptionSpec> params;  ///< its options (symnas/common/options.hpp)
  std::unique_ptr<Strategy> (*make)(const StrategyContext& context);
  /// Its moves can take networks below the space's initial bounds (the symbolic tuner's actions
  /// shrink the space), so budgets no candidate of the initial space meets are a warning at the
  /// start of a study, not an error.
  bool shrinks_space = false;

  /// True when the strategy has this option (e.g. "rules", "budgets", "prior_weights").
  bool HasOption(std::string_view option) const;
};

/// The search layer's strategies (no symbolic tuner: see symnas::strategies::Strategies()).
const std::vector<StrategyEntry>& SearchStrategies();
/// The entry of `table` called `name`; UnknownNameError listing every valid name otherwise.
const StrategyEntry& FindStrategyIn(const std::vector<StrategyEntry>& table,
                                    const std::string& name);
/// Comma-separated names of `table`.
std::string StrategyNames(const std::vector<StrategyEntry>& table);
/// The entry's defaults overridden by `user_options` (ResolveOptions, owner "strategy '<name>'");
/// ConfigError for an unknown option (with the valid ones), a wrong type or range.
nlohmann::json ResolveStrategyOptions(const StrategyEntry& entry,
                                      const nlohmann::json& user_options);
/// Resolves context.options against the entry's defaults and builds the strategy.
std::unique_ptr<Strategy> MakeStrategyFrom(const StrategyEntry& entry, StrategyContext context);
/// A strategy of the search layer's table (the symbolic tuner builds its inner `bo` so).
std::unique_ptr<Strategy> MakeSearchStrategy(const std::string& name, StrategyContext context);

}  // namespace symnas::search
