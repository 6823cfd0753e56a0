// Reasoning: facts + rules + weights -> problems and proposed actions; action selection.
#include "symnas/tuner/reasoner.hpp"

#include <fmt/format.h>

#include "symnas/tuner/logic_bridge.hpp"

namespace symnas::tuner {

namespace {

/// The argument text of a unary/binary term "f(args)" (the whole inside of the parentheses).
std::string Inside(const std::string& term) {
  const std::size_t open = term.find('(');
  return term.substr(open + 1, term.size() - open - 2);
}

}  // namespace

Reasoning Reason(const RuleBase& rules, const std::map<std::string, double>& weights,
                 const TrialFacts& facts) {
  return ReasonOverFacts(rules, weights, FactsToProlog(facts));
}

Reasoning ReasonOverFacts(const RuleBase& rules, const std::map<std::string, double>& weights,
                          const std::string& facts_text) {
  const std::string program = rules.Program(weights) + "\n% facts of the trial\n" + facts_text +
                              "query(problem(_)).\nquery(action(_, _)).\n";
  const Answers answers = Infer(program, "<tuner program>");
  Reasoning reasoning;
  for (const auto& [atom, probability] : answers) {
    if (probability > 0.0 && atom.rfind("problem(", 0) == 0) {
      reasoning.problems[Inside(atom)] = probability;
    }
  }
  for (const auto& rule : rules.tuning_rules()) {
    const auto it = answers.find(rule.id);
    if (it == answers.end() || it->second <= 0.0) continue;
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
