// The pruner table and the symbolic pruner: the running trial's curve + the incumbent's ->
// ProbLog facts -> rules/pruner_hopeless.pl -> stop or go on, with the symptom that proved it.
#include "symnas/tuner/pruner.hpp"

#include <sstream>

#include "symnas/common/error.hpp"
#include "symnas/logic/inference.hpp"
#include "symnas/tuner/facts.hpp"
#include "symnas/tuner/reasoner.hpp"

namespace symnas::tuner {

namespace {

/// The best feasible complete trial with a validation curve, or nullptr.
const search::TrialRecord* Incumbent(const std::vector<search::TrialRecord>& trials) {
  for (std::size_t index : search::RankTrials(trials)) {
    const auto& t = trials[index];
    if (t.objective.feasible && !t.result.curves.val_acc.empty()) return &t;
  }
  return nullptr;
}

std::string PrologList(const std::vector<double>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += (i ? ", " : "") + PrologFloat(values[i]);
  }
  return out + "]";
}

}  // namespace

SymbolicPruner::SymbolicPruner(const std::vector<std::string>& rule_files, double threshold,
                               double chance)
    : rules_(RuleBase::WithUserFiles(rule_files, "pruner")),
      threshold_(threshold),
      chance_(chance) {
  if (!(threshold > 0.0 && threshold <= 1.0)) {
    throw ConfigError("pruner symbolic: threshold must be in (0, 1]");
  }
}

std::optional<search::Diagnosis> SymbolicPruner::ShouldPrune(
    const std::vector<search::TrialRecord>& trials, const search::LearningCurves& partial,
    int max_epochs) {
  const search::TrialRecord* incumbent = Incumbent(trials);
  if (incumbent == nullptr || partial.val_acc.empty()) return std::nullopt;
  std::ostringstream facts;
  facts << "va(" << PrologList(partial.val_acc) << ").\n"
        << "epoch(" << partial.val_acc.size() << ").\n"
        << "max_epochs(" << max_epochs << ").\n"
        << "chance(" << PrologFloat(chance_) << ").\n"
        << "incumbent_final(" << PrologFloat(incumbent->result.accuracy) << ").\n";
  const auto& curve = incumbent->result.curves.val_acc;
  for (std::size_t e = 0; e < curve.size(); ++e) {
    facts << "incumbent_at(" << e + 1 << ", " << PrologFloat(curve[e]) << ").\n";
  }
  logic::Program program = rules_.Instantiate({});
  program.AddText(facts.str(), "<facts of the running trial>");
  program.AddQuery("prune_reason(_)");
  logic::InferenceOptions options;  // the tuner's bounds: a user rule never hangs a trial
  options.limits = {kTunerInferenceSeconds, kTunerInferenceBytes};
  for (const auto& answer : logic::Infer(program, options)) {
    if (answer.probability < threshold_ || answer.args.size() != 1) continue;
    return search::Diagnosis{"pruned(" + CompactTerm(answer.args[0]) + ")",
                             answer.probability,
                             {{"epoch", partial.val_acc.size()},
                              {"max_epochs", max_epochs},
                              {"val_acc", partial.val_acc.back()},
                              {"incumbent_trial", incumbent->id},
                              {"incumbent_accuracy", incumbent->result.accuracy}}};
  }
  return std::nullopt;
}

const std::vector<PrunerEntry>& Pruners() {
  static const std::vector<PrunerEntry> kPruners = {
      {"none", "never stops a trial early", {}},
      {"symbolic",
       "stops a trial when rules/pruner_hopeless.pl proves its curve hopeless against the "
       "incumbent's (even its latest gain kept up every remaining epoch ends below it)",
       {{.name = "rules",
         .default_value = nlohmann::json::array(),
         .description = "user rule files (a file or a list) added after rules/pruner_*.pl",
         .type = OptionType::kAny},
        {"threshold", 0.5, "prune when prune_reason(R) has at least this probability, in (0, 1]",
         0.0, 1.0},
        {"chance", 0.1, "the chance/1 fact: the accuracy of guessing (1 / classes)", 0.0, 1.0}}},
  };
  return kPruners;
}

std::shared_ptr<search::Pruner> MakePruner(const nlohmann::json& config) {
  const std::string kind = config.value("kind", std::string("none"));
  const PrunerEntry* entry = nullptr;
  std::string names;
  for (const auto& e : Pruners()) {
    names += (names.empty() ? "" : ", ") + std::string(e.name);
    if (kind == e.name) entry = &e;
  }
  if (entry == nullptr) throw ConfigError("unknown pruner '" + kind + "'; valid: " + names);
  nlohmann::json options = ResolveOptions({"pruner", kind, ""}, entry->params, config, "kind");
  if (kind == "none") return nullptr;
  std::vector<std::string> files;
  if (options["rules"].is_string()) {
    files.push_back(options["rules"].get<std::string>());
  } else if (options["rules"].is_array()) {
    files = options["rules"].get<std::vector<std::string>>();
  } else {
    throw ConfigError("pruner symbolic: rules must be a file name or a list of them");
  }
  return std::make_shared<SymbolicPruner>(files, options["threshold"].get<double>(),
                                          options["chance"].get<double>());
}

}  // namespace symnas::tuner
