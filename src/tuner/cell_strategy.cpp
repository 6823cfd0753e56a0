// The `symbolic_nb201` strategy: local search around an anchor cell, steered after every told
// trial by the cell rules (facts -> diagnosis -> cell moves) whose weights LFI re-learns.
#include "symnas/tuner/cell_strategy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <set>
#include <sstream>

#include "strategy_state.hpp"
#include "symnas/tuner/cell_moves.hpp"
#include "symnas/tuner/facts.hpp"

namespace symnas::tuner {

namespace {

/// Pieces of evidence after each of which the weights are always re-learnt.
constexpr std::size_t kAlwaysRelearn = 30;

nlohmann::json ScoredJson(const search::Params& params, const search::ObjectiveValue& objective) {
  return {{"params", search::ParamsToJson(params)}, {"objective", ObjectiveToJson(objective)}};
}

}  // namespace

CellSymbolicOptions CellSymbolicOptions::FromJson(const nlohmann::json& options) {
  CellSymbolicOptions out;
  out.cost_order = Nb201CostOrder();
  out.rule_files = RuleFilesFromJson(options);
  out.budgets = BudgetsFromJson(options, "symbolic_nb201", /*positive=*/true);
  if (options.contains("cost_order")) {
    out.cost_order = options.at("cost_order").get<std::vector<std::string>>();
    if (out.cost_order.empty()) {
      throw ConfigError("symbolic_nb201: cost_order must list the operations, cheapest first");
    }
  }
  out.prior_strength = options.value("prior_strength", kDefaultPriorStrength);
  if (out.prior_strength < 0) throw ConfigError("symbolic_nb201: prior_strength must be >= 0");
  out.relearn_growth = options.value("relearn_growth", 1.1);
  if (out.relearn_growth < 1.0) throw ConfigError("symbolic_nb201: relearn_growth must be >= 1");
  out.model_after = options.value("model_after", out.model_after);
  if (out.model_after < 0) throw ConfigError("symbolic_nb201: model_after must be >= 0");
  out.model.noise = options.value("model_noise", out.model.noise);
  out.model.prior_sd = options.value("model_prior_sd", out.model.prior_sd);
  if (!(out.model.noise > 0) || !(out.model.prior_sd > 0)) {
    throw ConfigError("symbolic_nb201: model_noise and model_prior_sd must be positive");
  }
  return out;
}

std::string CellFactsToProlog(const CellFacts& facts) {
  std::ostringstream out;
  for (const auto& [edge, op] : facts.ops) {
    out << "op(" << PrologAtom(edge) << ", " << PrologAtom(op) << ").\n";
  }
  if (!facts.costliest_op.empty())
    out << "costliest_op(" << PrologAtom(facts.costliest_op) << ").\n";
  for (const auto& [metric, ratio] : facts.budget_ratios) {
    out << "budget_ratio(" << PrologAtom(metric) << ", " << PrologFloat(ratio) << ").\n";
  }
  std::set<std::string> budgeted;
  for (const auto& [metric, ratio] : facts.budget_ratios) budgeted.insert(metric);
  out << DeviceMetricFacts(budgeted);
  if (facts.feasible) out << "feasible.\n";
  if (facts.failed) out << "failed.\n";
  if (facts.new_best) out << "new_best.\n";
  if (facts.new_anchor) out << "new_anchor.\n";
  out << "since_improvement(" << facts.since_improvement << ").\n";
  out << "unseen_neighbours(" << facts.unseen_neighbours << ").\n";
  return out.str();
}

CellSymbolicStrategy::CellSymbolicStrategy(const search::StrategyContext& context,
                                           CellSymbolicOptions options)
    : space_(context.space),
      estimate_costs_(context.estimate_costs),
      options_(std::move(options)),
      rules_(RuleBase::ShippedSet("nb201")),
      rng_(context.seed ^ 0xce11ce11ULL),
      model_(space_, context.budget_check, options_.model, options_.model_after) {
  options_.budgets = StrategyBudgets(std::move(options_.budgets), context.budgets, "symbolic_nb201",
                                     /*positive=*/true);
  for (const auto& file : options_.rule_files) rules_.AddFile(file);
  rules_.ValidateActions(CellMoveNames());
  weights_ = rules_.InitialWeights();
  // Dry run on plausible facts: a rule that does not run fails now, not after a trial.
  CellFacts dry;
  for (const auto& [metric, budget] : options_.budgets) dry.budget_ratios[metric] = 2.0;
  dry.unseen_neighbours = 0;
  ReasonOverFacts(rules_, weights_, CellFactsToProlog(dry));
}

bool CellSymbolicStrategy::Seen(const search::Params& params) const {
  const std::string key = search::ParamsKey(params);
  return seen_.count(key) > 0 || running_elsewhere_.count(key) > 0;
}

void CellSymbolicStrategy::SetPending(const std::vector<search::Params>& pending) {
  running_elsewhere_.clear();
  for (const auto& p : pending) running_elsewhere_.insert(search::ParamsKey(space_.Project(p)));
}

void CellSymbolicStrategy::MarkSeen(const search::Params& params) {
  seen_.insert(search::ParamsKey(params));
}

search::Params CellSymbolicStrategy::Ask() {
  search::Params params;
  if (next_ && space_.Contains(*next_) && !Seen(*next_)) {
    params = *next_;
  } else {
    std::string move, note;
    params = Fallback(move, note);
    reanchor_ = reanchor_ || move == "restart";
  }
  next_.reset();
  MarkSeen(params);
  return params;
}

void CellSymbolicStrategy::Tell(const search::TrialOutcome& outcome) {
  history_.push_back({{"trial", outcome.trial_id},
                      {"params", search::ParamsToJson(outcome.params)},
                      {"status", search::TrialStatusName(outcome.status)},
                      {"objective", ObjectiveToJson(outcome.objective)}});
  MarkSeen(space_.Project(outcome.params));
  AddToModel(outcome.params, outcome.status == search::TrialStatus::kComplete, outcome.objective);
  GatherEvidence(outcome);
  CellFacts facts;
  UpdateAnchor(outcome, facts);
  last_facts_ = FactsOf(outcome, facts);
  Diagnose(outcome, last_facts_);
}

void CellSymbolicStrategy::AddToModel(const search::Params& params, bool complete,
                                      const search::ObjectiveValue& objective) {
  if (complete && objective.feasible) model_.Add(space_.Project(params), objective.score);
}

void CellSymbolicStrategy::GatherEvidence(const search::TrialOutcome& outcome) {
  if (!pending_) return;
  const bool improved = Improved(pending_->before, outcome.objective, outcome.status);
  for (const auto& rule_id : pending_->rule_ids) {
    evidence_.push_back({pending_->trial_id, rule_id, improved});
  }
  pending_.reset();
  const double grown = options_.relearn_growth * static_cast<double>(evidence_at_relearn_);
  if (evidence_.size() <= kAlwaysRelearn || static_cast<double>(evidence_.size()) >= grown) {
    weights_ = RelearnWeights(rules_, evidence_, options_.prior_strength);
    evidence_at_relearn_ = evidence_.size();
    annotations_.rule_weights = weights_;
  }
}

void CellSymbolicStrategy::UpdateAnchor(const search::TrialOutcome& outcome, CellFacts& facts) {
  const bool complete = outcome.status == search::TrialStatus::kComplete;
  const search::Params told = space_.Project(outcome.params);
  facts.new_best =
      complete && (!best_ || Improved(best_->objective, outcome.objective, outcome.status));
  facts.new_anchor =
      complete && (!anchor_ || Improved(anchor_->objective, outcome.objective, outcome.status));
  if (facts.new_best) best_ = Scored{told, outcome.objective};
  if (complete && (facts.new_anchor || reanchor_)) {
    anchor_ = Scored{told, outcome.objective};
    since_improvement_ = 0;
  } else {
    ++since_improvement_;
  }
  reanchor_ = false;
  facts.since_improvement = since_improvement_;
}

CellFacts CellSymbolicStrategy::FactsOf(const search::TrialOutcome& outcome,
                                        CellFacts facts) const {
  const search::Params told = space_.Project(outcome.params);
  int costliest_rank = -1;
  for (const auto& edge : EdgeNames(space_, options_.cost_order)) {
    const std::string& op = search::AsString(told.at(edge));
    facts.ops[edge] = op;
    const int rank = CostRank(options_.cost_order, op);
    if (rank > costliest_rank) {
      costliest_rank = rank;
      facts.costliest_op = op;
    }
  }
  facts.failed = outcome.status != search::TrialStatus::kComplete;
  facts.feasible = !facts.failed && outcome.objective.feasible;
  for (const auto& [metric, budget] : options_.budgets) {
    auto it = outcome.result.metrics.find(metric);
    if (!facts.failed && it != outcome.result.metrics.end()) {
      facts.budget_ratios[metric] = it->second / budget;
    }
  }
  facts.unseen_neighbours = 0;
  if (anchor_) {
    for (const auto& cell : CategoricalNeighbours(space_, anchor_->params)) {
      facts.unseen_neighbours += Seen(cell) ? 0 : 1;
    }
  }
  return facts;
}

std::optional<search::Params> CellSymbolicStrategy::Move(const std::string& name,
                                                         const search::Params& told,
                                                         std::string& note) {
  const CellMove& move = FindCellMove(name);
  const search::Params& base = move.base == MoveBase::kAnchor && anchor_ ? anchor_->params
                               : move.base == MoveBase::kBest && best_   ? best_->params
                                                                         : told;
  const std::function<bool(const search::Params&)> seen = [this](const search::Params& p) {
    return Seen(p);
  };
  CellMoveContext context{space_,           options_.cost_order, base,   seen, rng_,
                          &estimate_costs_, &options_.budgets,   &model_};
  CellMoveOutcome outcome = move.apply(context);
  note = outcome.note;
  return outcome.cell;
}

search::Params CellSymbolicStrategy::Fallback(std::string& move_name, std::string& note) {
  for (const char* name : {"mutate_edge", "perturb", "restart"}) {
    if (!anchor_ && std::string(name) != "restart") continue;
    if (auto cell = Move(name, anchor_ ? anchor_->params : space_.Defaults(), note)) {
      move_name = name;
      return *cell;
    }
  }
  // Every cell of a tiny space was evaluated: repeat a random one.
  move_name = "restart";
  note = "every cell evaluated: repeating a random one";
  return space_.Sample(rng_);
}

void CellSymbolicStrategy::Diagnose(const search::TrialOutcome& outcome, const CellFacts& facts) {
  auto [reasoning, records] = ReasonAndRecord(
      [&] { return ReasonOverFacts(rules_, weights_, CellFactsToProlog(facts)); }, annotations_);
  const search::Params told = space_.Project(outcome.params);
  std::string move_name;
  next_.reset();
  for (const auto& group : SelectActions(reasoning.actions, Selection::kSample, rng_)) {
    const ProposedAction& proposed = reasoning.actions[group.front()];
    search::ActionRecord& record = records[group.front()];
    record.details["selected"] = true;
    std::string note;
    next_ = Move(proposed.action, told, note);
    record.details["note"] = note;
    if (!next_) continue;
    record.applied = true;
    move_name = proposed.action;
    const MoveBase base = FindCellMove(move_name).base;
    const search::ObjectiveValue& before = base == MoveBase::kAnchor && anchor_ ? anchor_->objective
                                           : base == MoveBase::kBest && best_   ? best_->objective
                                                                                : outcome.objective;
    pending_ = Pending{outcome.trial_id, before, {proposed.rule_id}};
    break;
  }
  if (!next_) {
    std::string note;
    next_ = Fallback(move_name, note);
    records.push_back({move_name,
                       1.0,
                       true,
                       {{"rule", "base local search"}, {"problem", "none"}, {"note", note}}});
  }
  reanchor_ = move_name == "restart";
  for (auto& record : records) annotations_.actions.push_back(std::move(record));
}

void CellSymbolicStrategy::OnSpaceChanged(const search::SearchSpace& space,
                                          const search::SpaceEdit&) {
  space_ = space;
  model_.OnSpaceChanged(space_);
  if (anchor_) anchor_->params = space_.Project(anchor_->params);
  if (best_) best_->params = space_.Project(best_->params);
  if (next_) next_ = space_.Project(*next_);
}

search::TrialAnnotations CellSymbolicStrategy::TakeAnnotations() {
  return std::exchange(annotations_, {});
}

nlohmann::json CellSymbolicStrategy::Save() const {
  nlohmann::json state;
  state["history"] = history_;
  state["weights"] = weights_;
  state["evidence"] = EvidenceToJson(evidence_);
  state["evidence_at_relearn"] = evidence_at_relearn_;
  state["seen"] = seen_;
  state["anchor"] = anchor_ ? ScoredJson(anchor_->params, anchor_->objective) : nlohmann::json();
  state["best"] = best_ ? ScoredJson(best_->params, best_->objective) : nlohmann::json();
  state["since_improvement"] = since_improvement_;
  state["reanchor"] = reanchor_;
  state["next"] = next_ ? search::ParamsToJson(*next_) : nlohmann::json();
  if (pending_) {
    state["pending"] = {{"trial", pending_->trial_id},
                        {"before", ObjectiveToJson(pending_->before)},
                        {"rules", pending_->rule_ids}};
  }
  std::ostringstream rng_text;
  rng_text << rng_;
  state["rng"] = rng_text.str();
  return state;
}

void CellSymbolicStrategy::Load(const nlohmann::json& state) {
  auto scored = [](const nlohmann::json& json) -> std::optional<Scored> {
    if (json.is_null()) return std::nullopt;
    return Scored{search::ParamsFromJson(json.at("params")),
                  ObjectiveFromJson(json.at("objective"))};
  };
  try {
    history_ = state.at("history");
    model_.Clear();
    for (const auto& told : history_) {
      AddToModel(search::ParamsFromJson(told.at("params")),
                 told.at("status").get<std::string>() == "complete",
                 ObjectiveFromJson(told.at("objective")));
    }
    weights_ = state.at("weights").get<std::map<std::string, double>>();
    evidence_ = EvidenceFromJson(state.at("evidence"));
    evidence_at_relearn_ = state.at("evidence_at_relearn").get<std::size_t>();
    seen_ = state.at("seen").get<std::set<std::string>>();
    anchor_ = scored(state.at("anchor"));
    best_ = scored(state.at("best"));
    since_improvement_ = state.at("since_improvement").get<int>();
    reanchor_ = state.at("reanchor").get<bool>();
    next_.reset();
    if (!state.at("next").is_null()) next_ = search::ParamsFromJson(state.at("next"));
    pending_.reset();
    if (state.contains("pending")) {
      const auto& p = state.at("pending");
      pending_ = Pending{p.at("trial").get<std::int64_t>(), ObjectiveFromJson(p.at("before")),
                         p.at("rules").get<std::vector<std::string>>()};
    }
    std::istringstream rng_text(state.at("rng").get<std::string>());
    rng_text >> rng_;
  } catch (const nlohmann::json::exception& error) {
    throw StoreError(std::string("malformed symbolic_nb201 strategy state: ") + error.what());
  }
}

std::vector<OptionSpec> CellSymbolicParams() {
  return {
      {"rules", nlohmann::json::array(), "user rule files added after rules/nb201_*.pl"},
      {"budgets", nlohmann::json::object(),
       "metric -> budget for the budget_ratio facts (the CLI and the bench fill it from the "
       "objective)"},
      {"cost_order", Nb201CostOrder(), "operation labels, cheapest first"},
      {"prior_strength", kDefaultPriorStrength,
       "pseudo applications at the initial weight that smooth the learned weights"},
      {"relearn_growth", 1.1,
       "re-learn the weights when the evidence grew by this factor (always for the first 30)"},
      {"model_after", 10,
       "scored cells before the path model orders mutate_edge/perturb candidates and makes "
       "model_jump (0: never)"},
      {"model_noise", 0.002, "observation noise sd of the path model (score units)"},
      {"model_prior_sd", 0.01, "prior sd of the path model's weights (score units)"},
  };
}

std::unique_ptr<search::Strategy> MakeCellSymbolicStrategy(const search::StrategyContext& context) {
  return std::make_unique<CellSymbolicStrategy>(context,
                                                CellSymbolicOptions::FromJson(context.options));
}

}  // namespace symnas::tuner
