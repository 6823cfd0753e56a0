// Study snapshot -> the JSON of the views: trial rows, history of the best feasible value (per
// trial and per CPU second), cost metrics and budgets, Pareto front with hypervolume over time,
// and the symbolic story (tuner::ExplainSteps, the logic of `symnas explain`).
#include "symnas/report/study_view.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "symnas/common/error.hpp"
#include "symnas/search/objective.hpp"
#include "symnas/search/pareto.hpp"
#include "symnas/tuner/explain.hpp"

namespace symnas::report {

namespace {

using nlohmann::json;
using search::TrialRecord;
using search::TrialStatus;

/// A finite number as JSON, anything else (inf, nan) as null.
json Number(double value) { return std::isfinite(value) ? json(value) : json(); }

bool Complete(const TrialRecord& trial) { return trial.status == TrialStatus::kComplete; }

/// The CPU seconds a trial's evaluation took (details.cpu_seconds), if recorded.
std::optional<double> CpuSeconds(const TrialRecord& trial) {
  const auto& details = trial.result.details;
  if (details.is_object() && details.contains("cpu_seconds") &&
      details.at("cpu_seconds").is_number()) {
    return details.at("cpu_seconds").get<double>();
  }
  return std::nullopt;
}

/// Estimated costs overlaid by the measured metrics (a trial rejected before training has only
/// the former).
std::map<std::string, double> AllMetrics(const TrialRecord& trial) {
  std::map<std::string, double> metrics = trial.estimated_costs;
  for (const auto& [name, value] : trial.result.metrics) metrics[name] = value;
  return metrics;
}

json TrialRow(const TrialRecord& t) {
  const bool complete = Complete(t);
  const auto cpu = CpuSeconds(t);
  const auto& details = t.result.details;
  json row = {
      {"id", t.id},
      {"status", search::TrialStatusName(t.status)},
      {"interrupted", t.interrupted},
      {"strategy", t.strategy},
      {"params", search::ParamsToJson(t.params)},
      {"accuracy", complete ? Number(t.result.accuracy) : json()},
      {"test_accuracy",
       complete && t.result.test_accuracy ? Number(*t.result.test_accuracy) : json()},
      {"score", complete ? Number(t.objective.score) : json()},
      {"feasible", complete ? json(t.objective.feasible) : json()},
      {"violation", complete ? Number(t.objective.violation) : json()},
      {"objective_vector", t.objective.vector},
      {"metrics", AllMetrics(t)},
      {"wall_seconds", Number(t.result.wall_seconds)},
      {"cpu_seconds", cpu ? Number(*cpu) : json()},
      {"started_unix_s", Number(t.started_unix_s)},
      {"finished_unix_s", Number(t.finished_unix_s)},
      {"error", t.result.error},
      {"epochs", t.result.curves.val_acc.size()},
      {"has_architecture", details.is_object() && details.contains("architecture")},
  };
  return row;
}

/// Budgets of the study: the objective's constraints and the symbolic tuner's
/// strategy_options.budgets (the tighter one when both name a metric).
json Budgets(const json& config, const search::Objective* objective) {
  std::map<std::string, double> budgets;
  auto add = [&](const std::string& metric, double budget) {
    auto [it, inserted] = budgets.emplace(metric, budget);
    if (!inserted) it->second = std::min(it->second, budget);
  };
  if (objective) {
    for (const auto& c : objective->Constraints()) add(c.metric, c.budget);
  }
  const json options = config.value("strategy_options", json::object());
  if (options.is_object() && options.contains("budgets") && options.at("budgets").is_object()) {
    for (const auto& [metric, budget] : options.at("budgets").items()) {
      if (budget.is_number()) add(metric, budget.get<double>());
    }
  }
  json out = json::array();
  for (const auto& [metric, budget] : budgets)
    out.push_back({{"metric", metric}, {"budget", budget}});
  return out;
}

/// Per finished trial in id order: cumulative CPU and wall seconds, the trial's score and the
/// best feasible score and accuracy so far.
json History(const std::vector<TrialRecord>& trials) {
  json out = json::array();
  double cpu_total = 0.0, wall_total = 0.0;
  std::optional<double> best_score, best_accuracy;
  std::int64_t best_trial = -1;
  for (const auto& t : trials) {
    if (t.status == TrialStatus::kRunning || t.interrupted) continue;
    cpu_total += CpuSeconds(t).value_or(0.0);
    if (std::isfinite(t.result.wall_seconds)) wall_total += t.result.wall_seconds;
    const bool feasible = Complete(t) && t.objective.feasible && std::isfinite(t.objective.score);
    if (feasible && (!best_score || t.objective.score > *best_score)) {
      best_score = t.objective.score;
      best_trial = t.id;
    }
    if (feasible && (!best_accuracy || t.result.accuracy > *best_accuracy)) {
      best_accuracy = t.result.accuracy;
    }
    out.push_back({{"trial", t.id},
                   {"cpu_seconds", cpu_total},
                   {"wall_seconds", wall_total},
                   {"score", Complete(t) ? Number(t.objective.score) : json()},
                   {"feasible", Complete(t) && t.objective.feasible},
                   {"best_score", best_score ? json(*best_score) : json()},
                   {"best_accuracy", best_accuracy ? json(*best_accuracy) : json()},
                   {"best_trial", best_trial >= 0 ? json(best_trial) : json()}});
  }
  return out;
}

/// A reference point every point is strictly better than: the worst value of each component
/// plus a tenth of its range (or of its magnitude, or 1, when the range is zero).
search::ObjectivePoint DerivedReference(const std::vector<search::ObjectivePoint>& points) {
  search::ObjectivePoint reference(points.front().size());
  for (std::size_t k = 0; k < reference.size(); ++k) {
    double lo = points.front()[k], hi = lo;
    for (const auto& p : points) lo = std::min(lo, p[k]), hi = std::max(hi, p[k]);
    double margin = 0.1 * (hi - lo);
    if (!(margin > 0.0)) margin = std::abs(hi) > 0.0 ? 0.1 * std::abs(hi) : 1.0;
    reference[k] = hi + margin;
  }
  return reference;
}

/// The Pareto view of a `pareto` study: names, points, the non-dominated front, the reference
/// point (the config's, or derived) and the hypervolume after each completed trial.
json ParetoView(const json& objective_config, const search::Objective& objective,
                const std::vector<TrialRecord>& trials) {
  std::vector<search::ObjectivePoint> points;
  std::vector<std::int64_t> ids;
  for (const auto& t : trials) {
    if (!Complete(t) || t.objective.vector.empty()) continue;
    if (!points.empty() && t.objective.vector.size() != points.front().size()) continue;
    const auto& v = t.objective.vector;
    if (!std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); })) continue;
    points.push_back(v);
    ids.push_back(t.id);
  }
  json view = {{"names", objective.VectorNames()},
               {"front", json::array()},
               {"points", json::array()},
               {"hypervolume", json::array()}};
  if (points.empty()) return view;
  for (std::size_t i = 0; i < points.size(); ++i) {
    view["points"].push_back({{"trial", ids[i]}, {"vector", points[i]}});
  }
  const auto fronts = search::NonDominatedSort(points);
  for (std::size_t i : fronts.front()) view["front"].push_back(ids[i]);
  search::ObjectivePoint reference;
  const json given = objective_config.value("reference", json());
  if (given.is_array() && given.size() == points.front().size()) {
    reference = given.get<std::vector<double>>();
    view["reference_source"] = "config";
  } else {
    reference = DerivedReference(points);
    view["reference_source"] = "derived";
  }
  view["reference"] = reference;
  if (reference.size() > 3) return view;  // exact hypervolume in 1-3 dimensions only
  std::vector<search::ObjectivePoint> so_far;
  for (std::size_t i = 0; i < points.size(); ++i) {
    so_far.push_back(points[i]);
    view["hypervolume"].push_back(
        {{"trial", ids[i]}, {"hypervolume", search::Hypervolume(so_far, reference)}});
  }
  return view;
}

json ActionJson(const search::ActionRecord& a) {
  return {{"action", a.action},
          {"problem", a.details.value("problem", std::string())},
          {"probability", Number(a.probability)},
          {"applied", a.applied},
          {"details", a.details}};
}

json EditsAfter(const std::vector<search::SpaceEdit>& edits, std::int64_t trial_id) {
  json out = json::array();
  for (const auto& e : edits) {
    if (e.reason.trial_id == trial_id)
      out.push_back({{"text", e.ToString()}, {"edit", e.ToJson()}});
  }
  return out;
}

tuner::ExplainInput ToExplainInput(const store::StudySnapshot& s) {
  tuner::ExplainInput input;
  input.trials = s.trials;
  for (const auto& row : s.diagnoses) input.diagnoses.emplace_back(row.trial_id, row.diagnosis);
  for (const auto& row : s.actions) input.actions.emplace_back(row.trial_id, row.action);
  for (const auto& row : s.rule_weights) input.weights.emplace_back(row.trial_id, row.weights);
  return input;
}

/// The symbolic story: per step the diagnoses, the actions with their probabilities, whether
/// they helped (as `symnas explain` decides) and the space edits; rule weights over time.
json Story(const store::StudySnapshot& s, const std::string& strategy) {
  tuner::ExplainInput input = ToExplainInput(s);
  std::map<std::int64_t, const TrialRecord*> by_id;
  for (const auto& t : s.trials) by_id[t.id] = &t;
  json steps = json::array();
  for (const auto& step : tuner::ExplainSteps(input)) {
    const TrialRecord& t = *by_id.at(step.trial_id);
    json problems = json::array(), actions = json::array();
    for (const auto& d : step.diagnoses) {
      problems.push_back(
          {{"problem", d.problem}, {"probability", Number(d.probability)}, {"details", d.details}});
    }
    for (const auto& a : step.actions) actions.push_back(ActionJson(a));
    steps.push_back({{"step", step.step},
                     {"trial", step.trial_id},
                     {"status", search::TrialStatusName(t.status)},
                     {"score", Complete(t) ? Number(t.objective.score) : json()},
                     {"feasible", Complete(t) ? json(t.objective.feasible) : json()},
                     {"problems", problems},
                     {"actions", actions},
                     {"helped", step.helped},
                     {"edits", EditsAfter(s.edits, step.trial_id)}});
  }
  const bool symbolic = strategy.rfind("symbolic", 0) == 0 || !s.rule_weights.empty();
  std::string note;
  const auto initial =
      symbolic ? tuner::StudyInitialWeights(s.config, &note) : std::map<std::string, double>{};
  std::set<std::string> rules;
  for (const auto& [id, weight] : initial) rules.insert(id);
  json series = json::array();
  for (const auto& row : s.rule_weights) {
    for (const auto& [id, weight] : row.weights) rules.insert(id);
    series.push_back({{"trial", row.trial_id}, {"weights", row.weights}});
  }
  return {
      {"steps", steps},
      {"weights", {{"rules", rules}, {"initial", initial}, {"series", series}}},
      {"note", note},
      {"has_annotations", !s.diagnoses.empty() || !s.actions.empty() || !s.rule_weights.empty()}};
}

}  // namespace

json StudyView(const store::StudySnapshot& s, const std::string& label) {
  const json config = s.config.value_or(json::object());
  const json objective_config = config.value("objective", json::object());
  std::unique_ptr<search::Objective> objective;
  std::string objective_error;
  try {
    objective = search::MakeObjective(objective_config);
  } catch (const Error& error) {
    objective_error = error.what();  // the views that need it say so; the rest still draw
  }
  json trials = json::array();
  std::set<std::string> cost_metrics;
  std::map<std::string, int> statuses;
  for (const auto& t : s.trials) {
    trials.push_back(TrialRow(t));
    for (const auto& [name, value] : AllMetrics(t)) cost_metrics.insert(name);
    ++statuses[t.interrupted ? "interrupted" : search::TrialStatusName(t.status)];
  }
  const auto best = search::BestTrialIndex(s.trials);
  json view = {
      {"label", label},
      {"name", config.value("name", label)},
      {"strategy", config.value("strategy", std::string())},
      {"trials_target", config.value("trials", json())},
      {"trials_finished", search::CountFinished(s.trials)},
      {"objective",
       {{"kind", objective_config.value("kind", std::string())},
        {"description", objective ? objective->Describe() : objective_error},
        {"vector_names", objective ? json(objective->VectorNames()) : json::array()}}},
      {"budgets", Budgets(config, objective.get())},
      {"statuses", statuses},
      {"best_trial", best >= 0 ? json(s.trials[best].id) : json()},
      {"trials", trials},
      {"cost_metrics", cost_metrics},
      {"history", History(s.trials)},
      {"pareto", objective && objective_config.value("kind", "") == "pareto"
                     ? ParetoView(objective_config, *objective, s.trials)
                     : json()},
      {"story", Story(s, config.value("strategy", std::string()))},
      {"edits_before_first_trial", EditsAfter(s.edits, -1)},
  };
  return view;
}

std::optional<json> TrialView(const store::StudySnapshot& s, std::int64_t trial_id) {
  const auto it = std::find_if(s.trials.begin(), s.trials.end(),
                               [&](const TrialRecord& t) { return t.id == trial_id; });
  if (it == s.trials.end()) return std::nullopt;
  const auto& c = it->result.curves;
  json view = TrialRow(*it);
  view["curves"] = {{"train_loss", c.train_loss},
                    {"train_acc", c.train_acc},
                    {"val_loss", c.val_loss},
                    {"val_acc", c.val_acc}};
  view["details"] = it->result.details;
  view["estimated_costs"] = it->estimated_costs;
  view["diagnoses"] = json::array();
  for (const auto& row : s.diagnoses) {
    if (row.trial_id != trial_id) continue;
    view["diagnoses"].push_back(
        {{"problem", row.diagnosis.problem}, {"probability", Number(row.diagnosis.probability)}});
  }
  view["actions"] = json::array();
  for (const auto& row : s.actions) {
    if (row.trial_id == trial_id) view["actions"].push_back(ActionJson(row.action));
  }
  view["edits"] = EditsAfter(s.edits, trial_id);
  return view;
}

store::StudySnapshot ReadStudy(const std::string& path) {
  if (!store::IsDatabaseUrl(path) && !std::filesystem::is_regular_file(path)) {
    throw StoreError("no study at '" + path + "' (run `symnas search --config ... --study " + path +
                     "` first)");
  }
  return store::StudyStore::Open(path, store::OpenMode::kReadOnly)->LoadSnapshot();
}

}  // namespace symnas::report
