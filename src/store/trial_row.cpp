// TrialToRow / TrialFromRow: the one mapping between a TrialRecord and its stored columns.
#include "trial_row.hpp"

#include <map>
#include <nlohmann/json.hpp>

namespace symnas::store {

using search::TrialRecord;

std::vector<Cell> TrialToRow(const TrialRecord& t) {
  const auto& r = t.result;
  const bool scored = search::HasObjective(t.status);
  const nlohmann::json curves = {{"train_loss", r.curves.train_loss},
                                 {"train_acc", r.curves.train_acc},
                                 {"val_loss", r.curves.val_loss},
                                 {"val_acc", r.curves.val_acc}};
  const auto real_or_null = [](bool present, double value) {
    return present ? Cell(value) : Cell(std::monostate{});
  };
  return {
      t.id,
      std::string(search::TrialStatusName(t.status)),
      std::int64_t{t.interrupted},
      std::to_string(t.seed),  // uint64: above INT64_MAX for some seeds
      t.strategy,
      search::ParamsToJson(t.params).dump(),
      nlohmann::json(t.estimated_costs).dump(),
      real_or_null(scored, r.accuracy),
      real_or_null(scored && r.test_accuracy.has_value(), r.test_accuracy.value_or(0.0)),
      real_or_null(scored, t.objective.score),
      scored ? Cell(std::int64_t{t.objective.feasible}) : Cell(std::monostate{}),
      real_or_null(scored, t.objective.violation),
      nlohmann::json(t.objective.vector).dump(),
      nlohmann::json(r.metrics).dump(),
      curves.dump(),
      r.details.dump(),
      r.error,
      r.wall_seconds,
      t.started_unix_s,
      t.finished_unix_s,
      std::int64_t{t.requeued},
      t.rerun_of >= 0 ? Cell(t.rerun_of) : Cell(std::monostate{}),
      t.worker,
      real_or_null(t.heartbeat_unix_s > 0, t.heartbeat_unix_s),
  };
}

TrialRecord TrialFromRow(const RowReader& s) {
  const auto real = [&](int c) { return s.IsNull(c) ? 0.0 : s.Double(c); };
  TrialRecord t;
  t.id = s.Int(0);
  t.status = search::TrialStatusFromName(s.Text(1));
  t.interrupted = s.Int(2) != 0;
  t.seed = std::stoull(s.Text(3));
  t.strategy = s.Text(4);
  t.params = search::ParamsFromJson(nlohmann::json::parse(s.Text(5)));
  t.estimated_costs = nlohmann::json::parse(s.Text(6)).get<std::map<std::string, double>>();
  auto& r = t.result;
  r.status = t.status;
  if (!s.IsNull(7)) r.accuracy = s.Double(7);
  if (!s.IsNull(8)) r.test_accuracy = s.Double(8);
  if (!s.IsNull(9)) t.objective.score = s.Double(9);
  if (!s.IsNull(10)) t.objective.feasible = s.Int(10) != 0;
  if (!s.IsNull(11)) t.objective.violation = s.Double(11);
  t.objective.vector = nlohmann::json::parse(s.Text(12)).get<std::vector<double>>();
  r.metrics = nlohmann::json::parse(s.Text(13)).get<std::map<std::string, double>>();
  const auto curves = nlohmann::json::parse(s.Text(14));
  r.curves.train_loss = curves.value("train_loss", std::vector<double>{});
  r.curves.train_acc = curves.value("train_acc", std::vector<double>{});
  r.curves.val_loss = curves.value("val_loss", std::vector<double>{});
  r.curves.val_acc = curves.value("val_acc", std::vector<double>{});
  r.details = nlohmann::json::parse(s.Text(15));
  r.error = s.Text(16);
  r.wall_seconds = real(17);
  t.started_unix_s = real(18);
  t.finished_unix_s = real(19);
  t.requeued = s.Int(20) != 0;
  t.rerun_of = s.IsNull(21) ? -1 : s.Int(21);
  t.worker = s.Text(22);
  t.heartbeat_unix_s = real(23);
  return t;
}

}  // namespace symnas::store
