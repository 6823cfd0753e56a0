// Rule-weight learning: evidence of applied rules -> interpretations -> engine LFI -> weights.
#include "symnas/tuner/lfi.hpp"

#include <sstream>

#include "symnas/tuner/facts.hpp"
#include "symnas/tuner/logic_bridge.hpp"

namespace symnas::tuner {

bool Improved(const search::ObjectiveValue& before, const search::ObjectiveValue& after,
              search::TrialStatus after_status, double tolerance) {
  if (!search::HasObjective(after_status)) return false;
  if (after.feasible != before.feasible) return after.feasible;
  if (!after.feasible && after.violation != before.violation) {
    return after.violation < before.violation;
  }
  return after.score > before.score - tolerance;
}

std::string LfiModel(const RuleBase& rules) {
  std::ostringstream model;
  for (const auto& rule : rules.tuning_rules()) {
    if (rule.learnable)
      model << "t(" << PrologFloat(rule.initial_weight) << ")::" << rule.id << ".\n";
  }
  return model.str();
}

std::vector<std::map<std::string, bool>> Interpretations(
    const std::vector<RuleEvidence>& evidence) {
  std::vector<std::map<std::string, bool>> interpretations;
  std::int64_t current_trial = -2;
  for (const auto& item : evidence) {
    if (interpretations.empty() || item.trial_id != current_trial) {
      interpretations.emplace_back();
      current_trial = item.trial_id;
    }
    interpretations.back()[item.rule_id] = item.improved;
  }
  return interpretations;
}

std::map<std::string, double> RelearnWeights(const RuleBase& rules,
                                             const std::vector<RuleEvidence>& evidence,
                                             double prior_strength) {
  std::map<std::string, double> weights = rules.InitialWeights();
  const std::map<std::string, double> initial = weights;
  std::vector<RuleEvidence> learnable;
  std::map<std::string, int> applications;
  for (const auto& item : evidence) {
    if (!weights.count(item.rule_id)) continue;
    learnable.push_back(item);
    ++applications[item.rule_id];
  }
  if (learnable.empty()) return weights;
  const LfiResult result = Learn(LfiModel(rules), Interpretations(learnable));
  // A rule that no interpretation mentions has no expected counts: keep its initial weight.
  for (const auto& [atom, weight] : result.weights) {
    const auto n = applications.find(atom);
    if (n == applications.end()) continue;
    weights[atom] =
        (weight * n->second + prior_strength * initial.at(atom)) / (n->second + prior_strength);
  }
  return weights;
}

}  // namespace symnas::tuner
