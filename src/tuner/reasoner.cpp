// Reasoning: facts + rules + weights -> problems and proposed actions; action selection. The rule
// base's parsed program is copied per trial; only the trial's facts are parsed.
#include "symnas/tuner/reasoner.hpp"

#include <fmt/format.h>

#include "symnas/logic/inference.hpp"

namespace symnas::tuner {

Reasoning Reason(const RuleBase& rules, const std::map<std::string, double>& weights,
                 const TrialFacts& facts) {
  return ReasonOverFacts(rules, weights, FactsToProlog(facts));
}

Reasoning ReasonOverFacts(const RuleBase& rules, const std::map<std::string, double>& weights,
                          const std::string& facts_text) {
  logic::Program program = rules.Instantiate(weights);
  program.AddText(facts_text, "<facts of the trial>");
  program.AddQuery("problem(_)");
  program.AddQuery("action(_, _)");
  Reasoning reasoning;
  std::map<std::string, double> fired;  // rule id -> probability
  for (const auto& answer : logic::Infer(program)) {
    if (answer.probability <= 0.0) continue;
    if (answer.functor == "problem" && answer.args.size() == 1) {
      reasoning.problems[CompactTerm(answer.args[0])] = answer.probability;
    } else if (answer.functor == "action" && answer.args.size() == 2) {
      fired[CompactTerm(answer.atom)] = answer.probability;
    }
  }
  for (const auto& rule : rules.tuning_rules()) {
    const auto it = fired.find(rule.id);
    if (it != fired.end())
      reasoning.actions.push_back({rule.id, rule.action, rule.problem, it->second});
  }
  return reasoning;
}

Selection SelectionFromName(const std::string& name) {
  if (name == "sample") return Selection::kSample;
  if (name == "argmax") return Selection::kArgmax;
  throw ConfigError(fmt::format("unknown selection '{}'; valid: sample, argmax", name));
}

const char* SelectionName(Selection selection) {
  return selection == Selection::kSample ? "sample" : "argmax";
}

std::vector<std::vector<std::size_t>> SelectActions(const std::vector<ProposedAction>& actions,
                                                    Selection selection, std::mt19937_64& rng) {
  const auto more_probable = [&](std::size_t a, std::size_t b) {
    return actions[a].probability > actions[b].probability;
  };
  std::vector<std::vector<std::size_t>> groups;
  if (selection == Selection::kSample) {
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (std::size_t i = 0; i < actions.size(); ++i) {
      if (uniform(rng) < actions[i].probability) groups.push_back({i});
    }
  } else {
    std::map<std::string, std::size_t> group_of;  // problem -> its group
    for (std::size_t i = 0; i < actions.size(); ++i) {
      auto [it, inserted] = group_of.emplace(actions[i].problem, groups.size());
      if (inserted) groups.emplace_back();
      groups[it->second].push_back(i);
    }
    for (auto& group : groups) std::stable_sort(group.begin(), group.end(), more_probable);
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [&](const auto& a, const auto& b) { return more_probable(a[0], b[0]); });
  return groups;
}

}  // namespace symnas::tuner
