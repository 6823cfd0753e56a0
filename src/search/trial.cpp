// Trials: JSON form, counting and ranking (feasible first, then score, then violation).
#include "symnas/search/trial.hpp"

#include <algorithm>
#include <numeric>

namespace symnas::search {

nlohmann::json TrialToJson(const TrialRecord& t) {
  nlohmann::json j;
  j["id"] = t.id;
  j["params"] = ParamsToJson(t.params);
  j["status"] = TrialStatusName(t.status);
  j["seed"] = t.seed;
  j["strategy"] = t.strategy;
  j["estimated_costs"] = t.estimated_costs;
  j["accuracy"] = t.result.accuracy;
  j["test_accuracy"] =
      t.result.test_accuracy ? nlohmann::json(*t.result.test_accuracy) : nlohmann::json();
  j["metrics"] = t.result.metrics;
  j["curves"] = {{"train_loss", t.result.curves.train_loss},
                 {"train_acc", t.result.curves.train_acc},
                 {"val_loss", t.result.curves.val_loss},
                 {"val_acc", t.result.curves.val_acc}};
  j["wall_seconds"] = t.result.wall_seconds;
  j["error"] = t.result.error;
  j["details"] = t.result.details;
  bool scored = HasObjective(t.status);
  j["score"] = scored ? nlohmann::json(t.objective.score) : nlohmann::json();
  j["feasible"] = t.objective.feasible;
  j["violation"] = t.objective.violation;
  j["objective_vector"] = t.objective.vector;
  j["started_unix_s"] = t.started_unix_s;
  j["finished_unix_s"] = t.finished_unix_s;
  j["interrupted"] = t.interrupted;
  j["requeued"] = t.requeued;
  j["rerun_of"] = t.rerun_of;
  j["worker"] = t.worker;
  j["heartbeat_unix_s"] = t.heartbeat_unix_s;
  return j;
}

TrialRecord TrialFromJson(const nlohmann::json& j) {
  TrialRecord t;
  t.id = j.at("id").get<std::int64_t>();
  t.params = ParamsFromJson(j.at("params"));
  t.status = TrialStatusFromName(j.at("status").get<std::string>());
  t.seed = j.value("seed", std::uint64_t{0});
  t.strategy = j.value("strategy", "");
  t.estimated_costs = j.value("estimated_costs", std::map<std::string, double>{});
  t.result.status = t.status;
  t.result.accuracy = j.value("accuracy", 0.0);
  if (j.contains("test_accuracy") && j["test_accuracy"].is_number()) {
    t.result.test_accuracy = j["test_accuracy"].get<double>();
  }
  t.result.metrics = j.value("metrics", std::map<std::string, double>{});
  if (j.contains("curves")) {
    const auto& c = j["curves"];
    t.result.curves.train_loss = c.value("train_loss", std::vector<double>{});
    t.result.curves.train_acc = c.value("train_acc", std::vector<double>{});
    t.result.curves.val_loss = c.value("val_loss", std::vector<double>{});
    t.result.curves.val_acc = c.value("val_acc", std::vector<double>{});
  }
  t.result.wall_seconds = j.value("wall_seconds", 0.0);
  t.result.error = j.value("error", "");
  t.result.details = j.value("details", nlohmann::json());
  if (j.contains("score") && j["score"].is_number()) t.objective.score = j["score"].get<double>();
  t.objective.feasible = j.value("feasible", true);
  t.objective.violation = j.value("violation", 0.0);
  t.objective.vector = j.value("objective_vector", std::vector<double>{});
  t.started_unix_s = j.value("started_unix_s", 0.0);
  t.finished_unix_s = j.value("finished_unix_s", 0.0);
  t.interrupted = j.value("interrupted", false);
  t.requeued = j.value("requeued", false);
  t.rerun_of = j.value("rerun_of", std::int64_t{-1});
  t.worker = j.value("worker", "");
  t.heartbeat_unix_s = j.value("heartbeat_unix_s", 0.0);
  return t;
}

std::int64_t CountFinished(const std::vector<TrialRecord>& trials) {
  return std::count_if(trials.begin(), trials.end(), [](const TrialRecord& t) {
    return CountsAsTrial(t.status) && !t.interrupted;
  });
}

std::vector<std::size_t> RankTrials(const std::vector<TrialRecord>& trials) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < trials.size(); ++i) {
    if (trials[i].status == TrialStatus::kComplete) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = trials[a].objective;
    const auto& y = trials[b].objective;
    if (x.feasible != y.feasible) return x.feasible;
    if (x.score != y.score) return x.score > y.score;
    if (x.violation != y.violation) return x.violation < y.violation;
    return trials[a].id < trials[b].id;
  });
  return order;
}

std::int64_t BestTrialIndex(const std::vector<TrialRecord>& trials) {
  auto order = RankTrials(trials);
  return order.empty() ? -1 : static_cast<std::int64_t>(order.front());
}

}  // namespace symnas::search
