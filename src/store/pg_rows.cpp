// PgStudyStore's rows: configuration, trials (the shared column list of trial_row.hpp), space
// edits, strategy snapshots, tuner tables (diagnoses, actions, rule weights), key-value entries,
// the snapshot transaction and stored weights; each write one transaction through Write().
#include <fmt/core.h>

#include <type_traits>
#include <variant>

#include "pg_study_store.hpp"
#include "pg_util.hpp"
#include "symnas/common/error.hpp"
#include "trial_row.hpp"

namespace symnas::store {

using search::TrialRecord;

namespace {

/// "study_id, <trial columns>" parameters $1..$25: the study id and a trial.
PgParams TrialParams(std::int64_t study_id, const TrialRecord& t) {
  PgParams p;
  p.Add(study_id);
  for (const Cell& cell : TrialToRow(t)) {
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::monostate>) {
            p.AddNull();
          } else {
            p.Add(v);
          }
        },
        cell);
  }
  return p;
}

/// Row `row` of a PgResult as TrialFromRow reads it.
class ResultRow final : public RowReader {
 public:
  ResultRow(const PgResult& r, int row) : r_(r), row_(row) {}
  bool IsNull(int c) const override { return r_.IsNull(row_, c); }
  std::int64_t Int(int c) const override { return r_.Int(row_, c); }
  double Double(int c) const override { return r_.Double(row_, c); }
  std::string Text(int c) const override { return r_.Text(row_, c); }

 private:
  const PgResult& r_;
  int row_;
};

TrialRecord ReadTrial(const PgResult& s, int row) { return TrialFromRow(ResultRow(s, row)); }

}  // namespace

void PgStudyStore::SaveConfig(const nlohmann::json& config) {
  Write([&] {
    conn_.Exec("UPDATE symnas_studies SET config_json = $2 WHERE id = $1",
               PgParams().Add(study_id_).Add(config.dump()));
  });
}

std::optional<nlohmann::json> PgStudyStore::LoadConfig() {
  return Call([&]() -> std::optional<nlohmann::json> {
    PgResult r = conn_.Exec("SELECT config_json FROM symnas_studies WHERE id = $1",
                            PgParams().Add(study_id_));
    if (r.Rows() == 0 || r.IsNull(0, 0)) return std::nullopt;
    return nlohmann::json::parse(r.Text(0, 0));
  });
}

std::vector<TrialRecord> PgStudyStore::LoadTrialsFrom(std::int64_t first_id) {
  return Call([&] {
    PgResult r = conn_.Exec(fmt::format("SELECT {} FROM symnas_trials WHERE study_id = $1 AND "
                                        "id >= $2 ORDER BY id",
                                        kTrialColumns),
                            PgParams().Add(study_id_).Add(first_id));
    std::vector<TrialRecord> out;
    out.reserve(static_cast<std::size_t>(r.Rows()));
    try {
      for (int i = 0; i < r.Rows(); ++i) out.push_back(ReadTrial(r, i));
    } catch (const std::exception& e) {
      throw StoreError(fmt::format("study '{}': malformed trial row: {}", url_.display, e.what()));
    }
    return out;
  });
}

std::vector<search::SpaceEdit> PgStudyStore::LoadSpaceEdits() {
  return Call([&] {
    PgResult r =
        conn_.Exec("SELECT edit_json FROM symnas_space_edits WHERE study_id = $1 ORDER BY seq",
                   PgParams().Add(study_id_));
    std::vector<search::SpaceEdit> out;
    for (int i = 0; i < r.Rows(); ++i)
      out.push_back(search::SpaceEdit::FromJson(nlohmann::json::parse(r.Text(i, 0))));
    return out;
  });
}

std::optional<nlohmann::json> PgStudyStore::LoadStrategyState() {
  return Call([&]() -> std::optional<nlohmann::json> {
    PgResult r = conn_.Exec(
        "SELECT state_json FROM symnas_strategy_states WHERE study_id = $1 "
        "ORDER BY seq DESC LIMIT 1",
        PgParams().Add(study_id_));
    if (r.Rows() == 0) return std::nullopt;
    return nlohmann::json::parse(r.Text(0, 0));
  });
}

void PgStudyStore::BeginTrial(const TrialRecord& trial, const std::vector<search::SpaceEdit>& edits,
                              const nlohmann::json& strategy_state) {
  Write([&] {
    PgResult next =
        conn_.Exec("SELECT COALESCE(MAX(id) + 1, 0) FROM symnas_trials WHERE study_id = $1",
                   PgParams().Add(study_id_));
    if (next.Int(0, 0) != trial.id) {
      throw StoreError(fmt::format("study '{}': trial id {} is not the next id {}", url_.display,
                                   trial.id, next.Int(0, 0)));
    }
    conn_.Exec(InsertTrialSql(false), TrialParams(study_id_, trial));
    if (trial.rerun_of >= 0) {
      conn_.Exec("UPDATE symnas_trials SET requeued = 0 WHERE study_id = $1 AND id = $2",
                 PgParams().Add(study_id_).Add(trial.rerun_of));
    }
    for (const auto& e : edits) InsertEdit(e);
    InsertState(trial.id, strategy_state);
  });
}

void PgStudyStore::FinishTrial(const TrialRecord& trial,
                               const std::vector<search::SpaceEdit>& edits,
                               const search::TrialAnnotations& notes,
                               const nlohmann::json& strategy_state) {
  Write([&] {
    conn_.Exec(InsertTrialSql(true), TrialParams(study_id_, trial));
    for (const auto& e : edits) InsertEdit(e);
    for (const auto& d : notes.diagnoses) {
      conn_.Exec(
          "INSERT INTO symnas_diagnoses(study_id, trial_id, problem, probability, "
          "details_json) VALUES ($1, $2, $3, $4, $5)",
          PgParams()
              .Add(study_id_)
              .Add(trial.id)
              .Add(d.problem)
              .Add(d.probability)
              .Add(d.details.dump()));
    }
    for (const auto& a : notes.actions) {
      conn_.Exec(
          "INSERT INTO symnas_actions(study_id, trial_id, action, probability, applied, "
          "details_json) VALUES ($1, $2, $3, $4, $5, $6)",
          PgParams()
              .Add(study_id_)
              .Add(trial.id)
              .Add(a.action)
              .Add(a.probability)
              .Add(a.applied)
              .Add(a.details.dump()));
    }
    for (const auto& [rule, weight] : notes.rule_weights) {
      conn_.Exec(
          "INSERT INTO symnas_rule_weights(study_id, trial_id, rule, weight) "
          "VALUES ($1, $2, $3, $4)",
          PgParams().Add(study_id_).Add(trial.id).Add(rule).Add(weight));
    }
    InsertState(trial.id, strategy_state);
  });
}

void PgStudyStore::MarkInterrupted(std::int64_t trial_id, const std::string& error) {
  Write([&] {
    conn_.Exec(
        "UPDATE symnas_trials SET status = 'failed', interrupted = 1, requeued = 1, error = $3 "
        "WHERE study_id = $1 AND id = $2 AND status = 'running'",
        PgParams().Add(study_id_).Add(trial_id).Add(error));
  });
}

void PgStudyStore::RecordSpaceEdit(const search::SpaceEdit& edit) {
  Write([&] { InsertEdit(edit); });
}

std::vector<DiagnosisRow> PgStudyStore::LoadDiagnoses() {
  return Call([&] {
    PgResult r = conn_.Exec(
        "SELECT trial_id, problem, probability, details_json FROM symnas_diagnoses "
        "WHERE study_id = $1 ORDER BY id",
        PgParams().Add(study_id_));
    std::vector<DiagnosisRow> out;
    for (int i = 0; i < r.Rows(); ++i) {
      out.push_back(
          {r.Int(i, 0), {r.Text(i, 1), r.Double(i, 2), nlohmann::json::parse(r.Text(i, 3))}});
    }
    return out;
  });
}

std::vector<ActionRow> PgStudyStore::LoadActions() {
  return Call([&] {
    PgResult r = conn_.Exec(
        "SELECT trial_id, action, probability, applied, details_json FROM symnas_actions "
        "WHERE study_id = $1 ORDER BY id",
        PgParams().Add(study_id_));
    std::vector<ActionRow> out;
    for (int i = 0; i < r.Rows(); ++i) {
      out.push_back(
          {r.Int(i, 0),
           {r.Text(i, 1), r.Double(i, 2), r.Int(i, 3) != 0, nlohmann::json::parse(r.Text(i, 4))}});
    }
    return out;
  });
}

std::vector<RuleWeightsRow> PgStudyStore::LoadRuleWeights() {
  return Call([&] {
    PgResult r = conn_.Exec(
        "SELECT trial_id, rule, weight FROM symnas_rule_weights WHERE study_id = $1 "
        "ORDER BY trial_id, id",
        PgParams().Add(study_id_));
    std::vector<RuleWeightsRow> out;
    for (int i = 0; i < r.Rows(); ++i) {
      if (out.empty() || out.back().trial_id != r.Int(i, 0)) out.push_back({r.Int(i, 0), {}});
      out.back().weights[r.Text(i, 1)] = r.Double(i, 2);
    }
    return out;
  });
}

void PgStudyStore::PutValue(const std::string& key, const nlohmann::json& value) {
  Write([&] {
    conn_.Exec(
        "INSERT INTO symnas_kv(study_id, key, value_json) VALUES ($1, $2, $3) "
        "ON CONFLICT (study_id, key) DO UPDATE SET value_json = EXCLUDED.value_json",
        PgParams().Add(study_id_).Add(key).Add(value.dump()));
  });
}

std::optional<nlohmann::json> PgStudyStore::GetValue(const std::string& key) {
  return Call([&]() -> std::optional<nlohmann::json> {
    PgResult r = conn_.Exec("SELECT value_json FROM symnas_kv WHERE study_id = $1 AND key = $2",
                            PgParams().Add(study_id_).Add(key));
    if (r.Rows() == 0) return std::nullopt;
    return nlohmann::json::parse(r.Text(0, 0));
  });
}

StudySnapshot PgStudyStore::LoadSnapshot() {
  auto load = [&] { return ReadSnapshotParts(); };
  if (depth_ > 0) return load();  // inside Exclusive: its transaction is the snapshot
  return Call([&] {
    conn_.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    ++depth_;
    try {
      StudySnapshot snapshot = load();
      --depth_;
      conn_.Exec("COMMIT");
      return snapshot;
    } catch (const PgConnectionLost& e) {
      --depth_;
      throw PgConnectionLost(e.message());  // retried as a whole by Call
    } catch (const StoreError& e) {
      --depth_;
      conn_.ExecQuietly("ROLLBACK");
      // The inner loads turn a lost connection into a plain StoreError (depth > 0): retry.
      if (conn_.Broken()) throw PgConnectionLost(e.message());
      throw;
    } catch (...) {
      --depth_;
      conn_.ExecQuietly("ROLLBACK");
      throw;
    }
  });
}

void PgStudyStore::SaveWeights(std::int64_t trial_id, const std::string& format,
                               const std::string& bytes, int keep) {
  Write([&] {
    conn_.Exec(
        "INSERT INTO symnas_weights(study_id, trial_id, format, bytes, saved_unix_s) VALUES "
        "($1, $2, $3, decode($4, 'hex'), $5) ON CONFLICT (study_id, trial_id) DO UPDATE SET "
        "format = EXCLUDED.format, bytes = EXCLUDED.bytes, saved_unix_s = "
        "EXCLUDED.saved_unix_s",
        PgParams()
            .Add(study_id_)
            .Add(trial_id)
            .Add(format)
            .Add(HexOf(bytes))
            .Add(PgNowUnixSeconds()));
    if (keep >= 0) {  // the best `keep` by feasibility, then score, as SQLite's
      conn_.Exec(
          "DELETE FROM symnas_weights WHERE study_id = $1 AND trial_id NOT IN (SELECT "
          "w.trial_id FROM symnas_weights w JOIN symnas_trials t ON t.study_id = w.study_id "
          "AND t.id = w.trial_id WHERE w.study_id = $1 ORDER BY COALESCE(t.feasible, 0) DESC, "
          "COALESCE(t.score, -1e308) DESC, t.id LIMIT $2)",
          PgParams().Add(study_id_).Add(std::int64_t{keep}));
    }
  });
}

std::optional<std::pair<std::string, std::string>> PgStudyStore::LoadWeights(
    std::int64_t trial_id) {
  return Call([&]() -> std::optional<std::pair<std::string, std::string>> {
    if (!HasWeightsTable()) return std::nullopt;  // a version-3 database opened read-only
    PgResult r = conn_.Exec(
        "SELECT format, encode(bytes, 'hex') FROM symnas_weights WHERE study_id = $1 AND "
        "trial_id = $2",
        PgParams().Add(study_id_).Add(trial_id));
    if (r.Rows() == 0) return std::nullopt;
    return std::make_pair(r.Text(0, 0), BytesOfHex(r.Text(0, 1)));
  });
}

std::vector<std::int64_t> PgStudyStore::WeightTrialIds() {
  return Call([&] {
    std::vector<std::int64_t> ids;
    if (!HasWeightsTable()) return ids;
    PgResult r =
        conn_.Exec("SELECT trial_id FROM symnas_weights WHERE study_id = $1 ORDER BY trial_id",
                   PgParams().Add(study_id_));
    for (int i = 0; i < r.Rows(); ++i) ids.push_back(r.Int(i, 0));
    return ids;
  });
}

std::string PgStudyStore::InsertTrialSql(bool upsert) {
  std::string sql = fmt::format(
      "INSERT INTO symnas_trials(study_id, {}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
      "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25)",
      kTrialColumns);
  if (upsert) {
    sql += " ON CONFLICT (study_id, id) DO UPDATE SET ";
    std::string columns = kTrialColumns;
    bool first = true;
    std::size_t pos = 0;
    while (pos < columns.size()) {
      std::size_t comma = columns.find(',', pos);
      if (comma == std::string::npos) comma = columns.size();
      std::string name = columns.substr(pos, comma - pos);
      pos = comma + 1;
      while (!name.empty() && name.front() == ' ') name.erase(0, 1);
      if (name == "id") continue;
      sql += fmt::format("{}{} = EXCLUDED.{}", first ? "" : ", ", name, name);
      first = false;
    }
  }
  return sql;
}

std::string PgStudyStore::HexOf(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * bytes.size());
  for (unsigned char c : bytes) {
    hex += kDigits[c >> 4];
    hex += kDigits[c & 15];
  }
  return hex;
}

std::string PgStudyStore::BytesOfHex(const std::string& hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string bytes(hex.size() / 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return bytes;
}

void PgStudyStore::InsertEdit(const search::SpaceEdit& e) {
  conn_.Exec(
      "INSERT INTO symnas_space_edits(study_id, trial_id, kind, name, action, edit_json) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      PgParams()
          .Add(study_id_)
          .Add(e.reason.trial_id)
          .Add(std::string(search::SpaceEditKindName(e.kind)))
          .Add(e.name)
          .Add(e.reason.action)
          .Add(e.ToJson().dump()));
}

void PgStudyStore::InsertState(std::int64_t trial_id, const nlohmann::json& state) {
  PgResult seq = conn_.Exec(
      "INSERT INTO symnas_strategy_states(study_id, trial_id, state_json) VALUES ($1, $2, $3) "
      "RETURNING seq",
      PgParams().Add(study_id_).Add(trial_id).Add(state.dump()));
  conn_.Exec("DELETE FROM symnas_strategy_states WHERE study_id = $1 AND seq < $2",
             PgParams().Add(study_id_).Add(seq.Int(0, 0)));
}

}  // namespace symnas::store
