// A study as declared in YAML: name, trials, seed, strategy and its options, objective,
// evaluator kind and options, and the search space (the seed-000 space when none is given).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "symnas/common/error.hpp"
#include "symnas/search/evaluator.hpp"
#include "symnas/search/objective.hpp"
#include "symnas/search/space.hpp"
#include "symnas/search/strategy.hpp"

namespace symnas::search {

/// A parsed study configuration. See docs/search.md and examples/*.yaml for the YAML format.
struct StudyConfig {
  std::string name = "study";
  std::int64_t trials = 20;
  std::uint64_t seed = 0;
  std::string strategy = "random";
  nlohmann::json strategy_options = nlohmann::json::object();
  nlohmann::json objective = {{"kind", "accuracy"}};   ///< see MakeObjective
  nlohmann::json evaluator = {{"kind", "synthetic"}};  ///< kind + options, see the CLI table
  /// `pruner:` a name ("none", "symbolic") or {kind: name, ...options}; stored as the mapping.
  nlohmann::json pruner = {{"kind", "none"}};
  SearchSpace space = Seed000Space();
  /// Where each key was written (dotted paths: "trials", "evaluator.epochs"); empty when the
  /// config came from a store, not a file.
  std::map<std::string, SourceLocation> key_locations;
  std::string file;  ///< the YAML file it was read from, "" if none

  /// Location of `key` (dotted), or of its nearest written ancestor, or the file alone.
  SourceLocation Where(const std::string& key) const;
  /// Runs check(); a symnas::Error it throws without a location is re-thrown as a ConfigError at
  /// `key`, or at the deepest key under `key` whose name the message quotes
  /// ('budget of 'latency_ms' ...' -> objective.constraints.latency_ms).
  void Locate(const std::string& key, const std::function<void()>& check) const;

  nlohmann::json ToJson() const;
  static StudyConfig FromJson(const nlohmann::json& json);
};

/// Parses YAML text; ConfigError with file:line:col for syntax errors, unknown keys, bad
/// dimensions (`file_name` is only used in messages). `strategies`: the table the strategy name
/// and options are checked against (symnas::strategies::Strategies() for every strategy).
StudyConfig ParseStudyConfig(const std::string& yaml_text, const std::string& file_name,
                             const std::vector<StrategyEntry>& strategies);
/// The checks of a parsed config that the search layer can make before a study starts: the
/// strategy name and options, the objective and its budgets; errors are located in the file.
/// (ParseStudyConfig calls it; the evaluator is checked by the CLI's evaluator table.)
void ValidateSearchParts(const StudyConfig& config, const std::vector<StrategyEntry>& strategies);
/// Reads and parses a YAML file (see ParseStudyConfig); ConfigError if it cannot be read.
StudyConfig LoadStudyConfig(const std::string& path, const std::vector<StrategyEntry>& strategies);
/// Parses the `space:` mapping of a study config (also usable on its own); a string node
/// "seed000" names the built-in default space.
SearchSpace ParseSpaceYaml(const std::string& yaml_text, const std::string& file_name);

/// The study's budgets as its strategy is given them (StrategyContext::budgets): the
/// objective's constraints, none when `strategy_options` lists its own `budgets`, which replace
/// them (even an empty mapping).
std::vector<Constraint> StrategyContextBudgets(const nlohmann::json& strategy_options,
                                               const Objective& objective);

/// The smallest value of one metric over a space, and a candidate reaching it.
struct MetricFloor {
  std::string metric;
  double minimum = 0.0;
  Params where;  ///< the candidate (a corner of the space) with that value
};

/// Lowest value of each of `metrics` over `space`, from Evaluator::EstimateCosts (no training)
/// on the corners of the space: every numeric dimension at its low and high bound (an integer
/// one at every value when it has at most 4), every categorical choice. Exact when each
/// metric is monotone in each numeric dimension taken alone (true of the seed-000 template:
/// sizes filters_i, units_i, kernel_size; dropout and training parameters change nothing).
/// Candidates whose costs cannot be estimated (invalid) are skipped; a metric no candidate
/// reports is left out. A space with more than kMaxFloorCandidates corners is not bounded
/// (empty result): fixing categoricals at a default would give an upper bound, not a floor.
std::vector<MetricFloor> MinimumCosts(const SearchSpace& space, Evaluator& evaluator,
                                      const std::vector<std::string>& metrics);
/// Upper limit on the candidates MinimumCosts estimates.
inline constexpr std::size_t kMaxFloorCandidates = 4096;

/// Start-of-study check: "" when every budget is at or above the minimum of its metric over
/// the space (MinimumCosts), else a message naming each budget below it, the minimum, where it
/// is reached and how to fix. Budgets on accuracy and on metrics the evaluator does not
/// estimate before training are not checked.
std::string UnreachableBudgets(const SearchSpace& space, Evaluator& evaluator,
                               const std::vector<Constraint>& budgets);
/// UnreachableBudgets as a ConfigError (for studies whose space cannot shrink).
void CheckBudgetsReachable(const SearchSpace& space, Evaluator& evaluator,
                           const std::vector<Constraint>& budgets);

}  // namespace symnas::search
