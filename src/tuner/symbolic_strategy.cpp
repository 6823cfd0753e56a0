// The symbolic strategy: BO proposals + (facts -> diagnosis -> actions -> space edits -> LFI)
// after every told trial. See symbolic_strategy.hpp for the steps.
#include "symnas/tuner/symbolic_strategy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "strategy_state.hpp"
#include "symnas/tuner/actions.hpp"
#include "symnas/tuner/facts.hpp"

namespace symnas::tuner {

namespace {

/// A plausible finished trial used to dry-run the rules at study start: every budget exceeded,
/// a curve that triggers several rules, so that errors in user rules surface before training.
search::EvalResult DryRunResult(const std::map<std::string, double>& budgets) {
  search::EvalResult result;
  result.curves.train_loss = {2.0, 1.2, 1.4, 0.9, 1.1, 0.8};
  result.curves.train_acc = {0.3, 0.55, 0.5, 0.7, 0.65, 0.75};
  result.curves.val_loss = {2.1, 1.5, 1.6, 1.3, 1.4, 1.3};
  result.curves.val_acc = {0.3, 0.45, 0.44, 0.5, 0.48, 0.5};
  result.accuracy = 0.5;
  for (const auto& [metric, budget] : budgets) result.metrics[metric] = 2 * budget + 1;
  return result;
}

/// Options of the inner BO: the default profile skips over-budget candidates and refines the
/// incumbent in a trust region unless the user's `bo` options say otherwise.
nlohmann::json InnerBoOptions(TunerProfile profile, const nlohmann::json& user) {
  nlohmann::json options = nlohmann::json::object();
  if (profile == TunerProfile::kDefault)
    options = {{"feasible_only", true}, {"trust_region", true}};
  for (const auto& [key, value] : user.items()) options[key] = value;
  return options;
}

}  // namespace

TunerProfile TunerProfileFromName(const std::string& name) {
  if (name == "default") return TunerProfile::kDefault;
  if (name == "paper") return TunerProfile::kPaper;
  throw ConfigError("symbolic: unknown profile '" + name + "'; valid: default, paper");
}

const char* TunerProfileName(TunerProfile profile) {
  return profile == TunerProfile::kDefault ? "default" : "paper";
}

SymbolicOptions SymbolicOptions::FromJson(const nlohmann::json& options) {
  SymbolicOptions out;
  if (options.contains("profile")) {
    out.profile = TunerProfileFromName(options.at("profile").get<std::string>());
  }
  if (options.contains("prior_weights")) {
    const auto& prior = options.at("prior_weights");
    if (!prior.is_object()) {
      throw ConfigError("symbolic: prior_weights must map rule ids to weights");
    }
    for (const auto& [id, weight] : prior.items()) {
      if (!weight.is_number()) {
        throw ConfigError("symbolic: prior_weights." + id + " must be a number in [0, 1]");
      }
      out.prior_weights[id] = weight.get<double>();
    }
  }
  if (options.contains("credit_tolerance")) {
    out.credit_tolerance = options.at("credit_tolerance").get<double>();
    if (!(out.credit_tolerance >= 0)) throw ConfigError("symbolic: credit_tolerance must be >= 0");
  }
  if (options.contains("selection")) {
    out.selection = SelectionFromName(options.at("selection").get<std::string>());
  }
  out.rule_files = RuleFilesFromJson(options);
  out.budgets = BudgetsFromJson(options, "symbolic", /*positive=*/false);
  if (options.contains("bo")) out.bo_options = options.at("bo");
  if (options.contains("prior_strength")) {
    out.prior_strength = options.at("prior_strength").get<double>();
    if (out.prior_strength < 0) throw ConfigError("symbolic: prior_strength must be >= 0");
  }
  return out;
}

SymbolicStrategy::SymbolicStrategy(const search::StrategyContext& context, SymbolicOptions options)
    : space_(context.space),
      budget_check_(context.budget_check),
      options_(std::move(options)),
      rules_(RuleBase::WithUserFiles(options_.rule_files,
                                     options_.profile == TunerProfile::kPaper ? "paper" : "")),
      rng_(context.seed ^ 0x5eed5eedULL) {
  options_.budgets =
      StrategyBudgets(std::move(options_.budgets), context.budgets, "symbolic", /*positive=*/false);
  rules_.ValidateActions(ActionNames());
  unknown_prior_rules_ = rules_.OverrideInitialWeights(options_.prior_weights);
  weights_ = rules_.InitialWeights();
  Reason(rules_, weights_, ExtractFacts(DryRunResult(options_.budgets), options_.budgets, 1));
  search::StrategyContext bo_context = context;
  bo_context.options = InnerBoOptions(options_.profile, options_.bo_options);
  bo_ = search::MakeSearchStrategy("bo", bo_context);
}

search::Params SymbolicStrategy::Ask() {
  SyncPendingEdits();
  return bo_->Ask();
}

void SymbolicStrategy::SyncPendingEdits() {
  for (; pending_in_view_ < pending_edits_.size(); ++pending_in_view_) {
    space_.Apply(pending_edits_[pending_in_view_]);
    bo_->OnSpaceChanged(space_, pending_edits_[pending_in_view_]);
  }
}

void SymbolicStrategy::Tell(const search::TrialOutcome& outcome) {
  bo_->Tell(outcome);
  if (outcome.status != search::TrialStatus::kRejected) ++iteration_;
  GatherEvidence(outcome);
  Diagnose(outcome);
  TrackIncumbent(outcome);
}

void SymbolicStrategy::TrackIncumbent(const search::TrialOutcome& outcome) {
  if (options_.profile != TunerProfile::kDefault) return;
  if (outcome.status != search::TrialStatus::kComplete || !outcome.objective.feasible) return;
  if (incumbent_ && incumbent_->objective.score >= outcome.objective.score) return;
  const auto& curves = outcome.result.curves;
  incumbent_ = Incumbent{outcome.objective,
                         curves.val_acc.empty() ? outcome.result.accuracy : curves.val_acc.back(),
                         curves.train_acc.empty() ? 0.0 : curves.train_acc.back()};
}

search::ObjectiveValue SymbolicStrategy::CreditBaseline(const search::TrialOutcome& outcome) const {
  const bool trained = outcome.status == search::TrialStatus::kComplete ||
                       outcome.status == search::TrialStatus::kPruned;
  if (options_.profile == TunerProfile::kPaper || !trained || !outcome.objective.feasible ||
      !incumbent_ || incumbent_->objective.score < outcome.objective.score) {
    return outcome.objective;
  }
  return incumbent_->objective;
}

std::map<std::string, double> SymbolicStrategy::RelevantWeights() const {
  std::map<std::string, double> relevant;
  for (const auto& [id, weight] : weights_) {
    const TuningRule* rule = rules_.FindRule(id);
    if (rule == nullptr || RuleCanFire(*rule, options_.budgets)) relevant[id] = weight;
  }
  return relevant;
}

bool SymbolicStrategy::Buildable(const search::Params& params) const {
  // Without a budget check nothing can tell whether a grown network still builds (e.g. one
  // more pooled block on a small input): layer-adding actions then refuse to apply.
  return budget_check_ && budget_check_(params).within_budget;
}

void SymbolicStrategy::GatherEvidence(const search::TrialOutcome& outcome) {
  if (!pending_) return;
  const bool improved =
      Improved(pending_->before, outcome.objective, outcome.status, CreditTolerance());
  for (const auto& rule_id : pending_->rule_ids) {
    evidence_.push_back({pending_->trial_id, rule_id, improved});
  }
  pending_.reset();
  weights_ = RelearnWeights(rules_, evidence_, options_.prior_strength);
  annotations_.rule_weights = RelevantWeights();
}

namespace {

/// True when `a` and `b` undo each other (either names the other as its opposite).
bool Opposed(const std::string& a, const std::string& b) {
  return FindAction(a).opposite == b || FindAction(b).opposite == a;
}

}  // namespace

void SymbolicStrategy::Diagnose(const search::TrialOutcome& outcome) {
  SyncPendingEdits();
  TrialFacts facts = ExtractFacts(outcome.result, options_.budgets, iteration_);
  if (options_.profile == TunerProfile::kDefault) {
    facts.rejected = outcome.status == search::TrialStatus::kRejected;
    if (incumbent_) {
      facts.incumbent_val_acc = incumbent_->val_acc;
      facts.incumbent_train_acc = incumbent_->train_acc;
    }
  }
  auto [reasoning, records] =
      ReasonAndRecord([&] { return Reason(rules_, weights_, facts); }, annotations_);
  Pending pending{outcome.trial_id, CreditBaseline(outcome), {}};
  const nlohmann::json baseline = {{"objective", ObjectiveToJson(pending.before)},
                                   {"tolerance", CreditTolerance()}};
  search::SearchSpace working = space_;
  std::map<std::string, bool> tried;  // action -> applied (each action at most once per step)
  for (const auto& group : SelectActions(reasoning.actions, options_.selection, rng_)) {
    for (std::size_t index : group) {
      const ProposedAction& proposed = reasoning.actions[index];
      search::ActionRecord& record = records[index];
      record.details["selected"] = true;
      if (auto it = tried.find(proposed.action); it != tried.end()) {
        record.applied = it->second;
        record.details["note"] = "applied once for several problems";
      } else if (auto conflict = std::find_if(
                     tried.begin(), tried.end(),
                     [&](const auto& t) { return t.second && Opposed(t.first, proposed.action); });
                 conflict != tried.end()) {
        record.details["note"] = "skipped: would undo " + conflict->first + " of this step";
      } else {
        ActionContext context{working,
                              outcome.params,
                              {proposed.action, outcome.trial_id, ""},
                              [this](const search::Params& p) { return Buildable(p); }};
        const ActionOutcome action = ApplyAction(proposed.action, context);
        for (const auto& edit : action.edits) {
          working.Apply(edit);
          pending_edits_.push_back(edit);
        }
        record.applied = action.Applied();
        record.details["note"] = action.note;
        tried[proposed.action] = record.applied;
      }
      if (record.applied) {
        record.details["credit_baseline"] = baseline;
        pending.rule_ids.push_back(proposed.rule_id);
        break;  // the group is served
      }
    }
  }
  for (auto& record : records) annotations_.actions.push_back(std::move(record));
  if (!pending.rule_ids.empty()) pending_ = std::move(pending);
}

void SymbolicStrategy::OnSpaceChanged(const search::SearchSpace& space,
                                      const search::SpaceEdit& edit) {
  space_ = space;
  bo_->OnSpaceChanged(space, edit);
}

std::vector<search::SpaceEdit> SymbolicStrategy::TakeSpaceEdits() {
  pending_in_view_ = 0;
  return std::exchange(pending_edits_, {});
}

search::TrialAnnotations SymbolicStrategy::TakeAnnotations() {
  return std::exchange(annotations_, {});
}

nlohmann::json SymbolicStrategy::Save() const {
  nlohmann::json state;
  state["bo"] = bo_->Save();
  state["iteration"] = iteration_;
  state["weights"] = weights_;
  if (incumbent_) {
    state["incumbent"] = {{"objective", ObjectiveToJson(incumbent_->objective)},
                          {"val_acc", incumbent_->val_acc},
                          {"train_acc", incumbent_->train_acc}};
  }
  state["evidence"] = EvidenceToJson(evidence_);
  if (pending_) {
    state["pending"] = {{"trial", pending_->trial_id},
                        {"before", ObjectiveToJson(pending_->before)},
                        {"rules", pending_->rule_ids}};
  }
  nlohmann::json edits = nlohmann::json::array();
  for (const auto& edit : pending_edits_) edits.push_back(edit.ToJson());
  state["pending_edits"] = edits;
  std::ostringstream rng_text;
  rng_text << rng_;
  state["rng"] = rng_text.str();
  return state;
}

void SymbolicStrategy::Load(const nlohmann::json& state) {
  try {
    bo_->Load(state.at("bo"));
    iteration_ = state.at("iteration").get<int>();
    weights_ = state.at("weights").get<std::map<std::string, double>>();
    incumbent_.reset();
    if (state.contains("incumbent")) {
      const auto& inc = state.at("incumbent");
      incumbent_ = Incumbent{ObjectiveFromJson(inc.at("objective")),
                             inc.at("val_acc").get<double>(), inc.at("train_acc").get<double>()};
    }
    evidence_ = EvidenceFromJson(state.at("evidence"));
    pending_.reset();
    if (state.contains("pending")) {
      const auto& p = state.at("pending");
      pending_ = Pending{p.at("trial").get<std::int64_t>(), ObjectiveFromJson(p.at("before")),
                         p.at("rules").get<std::vector<std::string>>()};
    }
    pending_edits_.clear();
    pending_in_view_ = 0;
    for (const auto& edit : state.value("pending_edits", nlohmann::json::array())) {
      pending_edits_.push_back(search::SpaceEdit::FromJson(edit));
    }
    std::istringstream rng_text(state.at("rng").get<std::string>());
    rng_text >> rng_;
  } catch (const nlohmann::json::exception& error) {
    throw StoreError(std::string("malformed symbolic strategy state: ") + error.what());
  }
}

std::vector<OptionSpec> SymbolicStrategyParams() {
  return {
      {"profile", "default",
       "default: costs diagnosed before training (no over-budget network trained), "
       "fidelity-relative rules, BO within budget and around the incumbent, credit against the "
       "incumbent; paper: seed 000 as published (rules/paper_*.pl)"},
      {"selection", "sample",
       "sample: each proposed action applied with its probability (seeded); argmax: the most "
       "probable action per problem (the original tool)"},
      {"rules", nlohmann::json::array(), "user rule files added after the shipped rules"},
      {"budgets", nlohmann::json::object(),
       "metric -> budget for the thr_exceeded(M) facts (the CLI fills it from the objective)"},
      {"bo", nlohmann::json::object(), "options of the inner bo strategy"},
      {"prior_strength", kDefaultPriorStrength,
       "pseudo applications at the initial weight that smooth the learned weights (0: plain "
       "ProbLog LFI)"},
      {"prior_weights", nlohmann::json::object(),
       "rule id -> initial weight carried over from earlier studies (symnas search "
       "--prior-study fills it)"},
      {"credit_tolerance", 0.01,
       "default profile: an action helped when the next score is above the incumbent's minus "
       "this"},
  };
}

std::unique_ptr<search::Strategy> MakeSymbolicStrategy(const search::StrategyContext& context) {
  return std::make_unique<SymbolicStrategy>(context, SymbolicOptions::FromJson(context.options));
}

}  // namespace symnas::tuner
