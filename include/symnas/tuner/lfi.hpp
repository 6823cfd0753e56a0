// Learning the tuning-rule weights: takes every (rule applied, did the objective improve) pair
// gathered so far; produces new weights by the logic engine's learning from interpretations.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "symnas/search/objective.hpp"
#include "symnas/search/types.hpp"
#include "symnas/tuner/rule_base.hpp"

namespace symnas::tuner {

/// One piece of evidence: rule `rule_id` was applied after trial `trial_id`, and the next trial
/// did (improved) or did not improve the study objective.
struct RuleEvidence {
  std::int64_t trial_id = -1;
  std::string rule_id;
  bool improved = false;
};

/// True when `after` is better than `before` under the study objective: a feasible result beats
/// an infeasible one; between two infeasible ones the smaller violation wins (moving towards
/// the budget is progress); otherwise a score above before.score - tolerance (tolerance 0:
/// strictly higher). A failed trial never improves; a pruned one is judged on its
/// partial score and a rejected one (never trained) on its violation.
bool Improved(const search::ObjectiveValue& before, const search::ObjectiveValue& after,
              search::TrialStatus after_status, double tolerance = 0.0);

/// The LFI model: one learnable fact t(W0)::<rule id>. per learnable rule, W0 its initial
/// weight (the paper's Fig. 2: the rule body held when the evidence was gathered, so the fact
/// stands for "the action helps, given its problem").
std::string LfiModel(const RuleBase& rules);

/// One interpretation per trial after which rules were applied, holding the evidence of each.
std::vector<std::map<std::string, bool>> Interpretations(const std::vector<RuleEvidence>& evidence);

/// Default strength of the prior that keeps a rule's initial weight in play (in pseudo
/// applications); 0 gives ProbLog's plain maximum-likelihood LFI.
inline constexpr double kDefaultPriorStrength = 2.0;

/// Re-learns the weights of every learnable rule from all evidence with the engine's LFI (rules
/// without evidence keep their initial weight). With prior_strength m > 0 the learned weight w
/// of a rule applied n times is smoothed towards its initial weight w0 as
/// (w * n + m * w0) / (n + m) — the maximum a posteriori estimate under a Beta(m w0, m (1 - w0))
/// prior for independent rules — so one unlucky application does not silence a rule forever.
/// Returns rule id -> weight for every learnable rule.
std::map<std::string, double> RelearnWeights(const RuleBase& rules,
                                             const std::vector<RuleEvidence>& evidence,
                                             double prior_strength = kDefaultPriorStrength);

}  // namespace symnas::tuner
