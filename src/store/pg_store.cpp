// PgStudyStore: the study store in a PostgreSQL database over libpq. Opening creates the tables
// and the study row (kReadWrite) under an advisory lock; every write is one transaction;
// Exclusive() holds the study row FOR UPDATE; a broken connection is reopened with back-off and
// the call retried, except inside Exclusive(), whose transaction is lost as a whole.
#include "pg_store.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>
#include <type_traits>
#include <variant>

#include "pg_schema.sql.hpp"
#include "pg_util.hpp"
#include "symnas/common/error.hpp"
#include "trial_row.hpp"

namespace symnas::store {

using search::TrialRecord;

namespace {

/// Key of the advisory lock that serialises schema creation ("symnas" in ASCII).
constexpr std::int64_t kSchemaLockKey = 0x73796d6e6173;
/// Reconnect back-off: first wait, and the total time after which a call gives up.
constexpr double kFirstRetryDelayS = 0.5;
constexpr double kRetryBudgetS = 120.0;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecoded(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

PgStudyUrl ParsePgStudyUrl(const std::string& url) {
  PgStudyUrl out;
  const std::size_t scheme_end = url.find("://");
  const std::size_t authority_begin = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const std::size_t authority_end = url.find_first_of("/?", authority_begin);
  const std::size_t query_begin = url.find('?');
  std::string head = url.substr(0, query_begin);
  // The password of user:password@ shown as ***.
  std::string display_head = head;
  const std::string authority = url.substr(
      authority_begin,
      (authority_end == std::string::npos ? url.size() : authority_end) - authority_begin);
  const std::size_t at = authority.rfind('@');
  if (at != std::string::npos) {
    const std::size_t colon = authority.find(':');
    if (colon != std::string::npos && colon < at) {
      display_head = url.substr(0, authority_begin) + authority.substr(0, colon + 1) + "***" +
                     head.substr(authority_begin + at);
    }
  }
  std::vector<std::string> kept, shown;
  bool has_timeout = false;
  if (query_begin != std::string::npos) {
    const std::string query = url.substr(query_begin + 1);
    std::size_t pos = 0;
    while (pos <= query.size()) {
      std::size_t amp = query.find('&', pos);
      if (amp == std::string::npos) amp = query.size();
      const std::string item = query.substr(pos, amp - pos);
      pos = amp + 1;
      if (item.empty()) continue;
      const std::size_t eq = item.find('=');
      const std::string key = item.substr(0, eq);
      const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
      if (key == "study") {
        out.study = PercentDecoded(value);
        shown.push_back(item);
        continue;
      }
      if (key == "connect_timeout") has_timeout = true;
      kept.push_back(item);
      shown.push_back(key == "password" ? "password=***" : item);
    }
  }
  auto joined = [](const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : "&") + i;
    return s;
  };
  out.display = display_head + (shown.empty() ? "" : "?" + joined(shown));
  if (out.study.empty()) {
    throw StoreError(
        fmt::format("study URL '{}' names no study: add ?study=NAME (or &study=NAME) "
                    "to choose the study inside the database",
                    out.display));
  }
  if (!has_timeout) kept.push_back("connect_timeout=10");
  // The client side of the same: a server gone silent is a lost connection within ~2 min.
  bool has_keepalives = false;
  for (const auto& k : kept) has_keepalives |= k.rfind("keepalives", 0) == 0;
  if (!has_keepalives)
    kept.push_back("keepalives_idle=60&keepalives_interval=10&keepalives_count=6");
  kept.push_back("fallback_application_name=symnas");
  out.conninfo = head + "?" + joined(kept);
  return out;
}

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

/// The error of a call whose connection broke beyond retrying (inside Exclusive, during COMMIT,
/// or past the back-off): the store is out of reach for now and the call's transaction rolled
/// back whole (during COMMIT: its outcome unknown, which the driver's re-sync inside its next
/// Exclusive tolerates). Workers retry on this class.
[[noreturn]] void ThrowUnavailable(std::string message) {
  throw StoreUnavailableError(std::move(message));
}

double NowUnixSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class PgStudyStore final : public StudyStore {
 public:
  PgStudyStore(const PgStudyUrl& url, OpenMode mode)
      : url_(url), read_only_(mode == OpenMode::kReadOnly), conn_(url.conninfo, url.display) {
    conn_.set_session_sql(SessionSql());
    conn_.Connect();
    try {
      if (read_only_) {
        FindStudy();
      } else {
        CreateSchemaAndStudy();
      }
    } catch (const PgConnectionLost& e) {
      throw StoreError(fmt::format("cannot open study '{}': the connection broke: {}", url_.display,
                                   e.message()));
    }
  }

  const std::string& location() const override { return url_.display; }

  void SaveConfig(const nlohmann::json& config) override {
    Write([&] {
      conn_.Exec("UPDATE symnas_studies SET config_json = $2 WHERE id = $1",
                 PgParams().Add(study_id_).Add(config.dump()));
    });
  }

  std::optional<nlohmann::json> LoadConfig() override {
    return Call([&]() -> std::optional<nlohmann::json> {
      PgResult r = conn_.Exec("SELECT config_json FROM symnas_studies WHERE id = $1",
                              PgParams().Add(study_id_));
      if (r.Rows() == 0 || r.IsNull(0, 0)) return std::nullopt;
      return nlohmann::json::parse(r.Text(0, 0));
    });
  }

  std::vector<TrialRecord> LoadTrials() override { return LoadTrialsFrom(0); }

  std::vector<TrialRecord> LoadTrialsFrom(std::int64_t first_id) override {
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
        throw StoreError(
            fmt::format("study '{}': malformed trial row: {}", url_.display, e.what()));
      }
      return out;
    });
  }

  std::vector<search::SpaceEdit> LoadSpaceEdits() override {
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

  std::optional<nlohmann::json> LoadStrategyState() override {
    return Call([&]() -> std::optional<nlohmann::json> {
      PgResult r = conn_.Exec(
          "SELECT state_json FROM symnas_strategy_states WHERE study_id = $1 "
          "ORDER BY seq DESC LIMIT 1",
          PgParams().Add(study_id_));
      if (r.Rows() == 0) return std::nullopt;
      return nlohmann::json::parse(r.Text(0, 0));
    });
  }

  void BeginTrial(const TrialRecord& trial, const std::vector<search::SpaceEdit>& edits,
                  const nlohmann::json& strategy_state) override {
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

  void FinishTrial(const TrialRecord& trial, const std::vector<search::SpaceEdit>& edits,
                   const search::TrialAnnotations& notes,
                   const nlohmann::json& strategy_state) override {
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

  void MarkInterrupted(std::int64_t trial_id, const std::string& error) override {
    Write([&] {
      conn_.Exec(
          "UPDATE symnas_trials SET status = 'failed', interrupted = 1, requeued = 1, error = $3 "
          "WHERE study_id = $1 AND id = $2 AND status = 'running'",
          PgParams().Add(study_id_).Add(trial_id).Add(error));
    });
  }

  void Exclusive(const std::function<void()>& work) override {
    if (depth_ > 0) {  // nested: part of the outer transaction
      work();
      return;
    }
    // Taking the lock is retried like any call: nothing of `work` has run yet.
    Call([&] {
      conn_.Exec("BEGIN");
      try {
        conn_.Exec("SELECT id FROM symnas_studies WHERE id = $1 FOR UPDATE",
                   PgParams().Add(study_id_));
      } catch (...) {
        conn_.ExecQuietly("ROLLBACK");
        throw;
      }
    });
    ++depth_;
    try {
      work();
    } catch (...) {
      --depth_;
      conn_.ExecQuietly("ROLLBACK");
      throw;
    }
    --depth_;
    Commit();
  }

  std::int64_t StateVersion() override {
    return Call([&] {
      PgResult r =
          conn_.Exec("SELECT COALESCE(MAX(seq), 0) FROM symnas_strategy_states WHERE study_id = $1",
                     PgParams().Add(study_id_));
      return r.Int(0, 0);
    });
  }

  void Heartbeat(std::int64_t trial_id, double unix_s) override {
    // One attempt (plus one reconnect): the driver beats again at the next period, and a beat
    // must not hold up the end of its trial with minutes of back-off.
    std::lock_guard<std::mutex> lock(heartbeat_mutex_);
    if (!heartbeat_conn_) {
      heartbeat_conn_ = std::make_unique<PgConnection>(url_.conninfo, url_.display);
      heartbeat_conn_->set_session_sql(SessionSql());
    }
    const std::string sql =
        "UPDATE symnas_trials SET heartbeat_unix_s = $3 WHERE study_id = $1 AND id = $2 AND "
        "status = 'running'";
    const PgParams params = PgParams().Add(study_id_).Add(trial_id).Add(unix_s);
    try {
      if (heartbeat_conn_->Broken()) heartbeat_conn_->Connect();
      heartbeat_conn_->Exec(sql, params);
    } catch (const PgConnectionLost&) {
      heartbeat_conn_->Connect();
      heartbeat_conn_->Exec(sql, params);
    }
  }

  void RecordSpaceEdit(const search::SpaceEdit& edit) override {
    Write([&] { InsertEdit(edit); });
  }

  std::vector<DiagnosisRow> LoadDiagnoses() override {
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

  std::vector<ActionRow> LoadActions() override {
    return Call([&] {
      PgResult r = conn_.Exec(
          "SELECT trial_id, action, probability, applied, details_json FROM symnas_actions "
          "WHERE study_id = $1 ORDER BY id",
          PgParams().Add(study_id_));
      std::vector<ActionRow> out;
      for (int i = 0; i < r.Rows(); ++i) {
        out.push_back({r.Int(i, 0),
                       {r.Text(i, 1), r.Double(i, 2), r.Int(i, 3) != 0,
                        nlohmann::json::parse(r.Text(i, 4))}});
      }
      return out;
    });
  }

  std::vector<RuleWeightsRow> LoadRuleWeights() override {
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

  void PutValue(const std::string& key, const nlohmann::json& value) override {
    Write([&] {
      conn_.Exec(
          "INSERT INTO symnas_kv(study_id, key, value_json) VALUES ($1, $2, $3) "
          "ON CONFLICT (study_id, key) DO UPDATE SET value_json = EXCLUDED.value_json",
          PgParams().Add(study_id_).Add(key).Add(value.dump()));
    });
  }

  std::optional<nlohmann::json> GetValue(const std::string& key) override {
    return Call([&]() -> std::optional<nlohmann::json> {
      PgResult r = conn_.Exec("SELECT value_json FROM symnas_kv WHERE study_id = $1 AND key = $2",
                              PgParams().Add(study_id_).Add(key));
      if (r.Rows() == 0) return std::nullopt;
      return nlohmann::json::parse(r.Text(0, 0));
    });
  }

  StudySnapshot LoadSnapshot() override {
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

  void SaveWeights(std::int64_t trial_id, const std::string& format, const std::string& bytes,
                   int keep) override {
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
              .Add(NowUnixSeconds()));
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

  std::optional<std::pair<std::string, std::string>> LoadWeights(std::int64_t trial_id) override {
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

  std::vector<std::int64_t> WeightTrialIds() override {
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

  std::string IntegrityCheck() override {
    return Call([&] {
      std::vector<std::string> problems;
      conn_.Exec("SELECT 1");
      PgResult ids = conn_.Exec(
          "SELECT COUNT(*), COALESCE(MIN(id), 0), COALESCE(MAX(id), -1) FROM symnas_trials "
          "WHERE study_id = $1",
          PgParams().Add(study_id_));
      const std::int64_t count = ids.Int(0, 0), min = ids.Int(0, 1), max = ids.Int(0, 2);
      if (count > 0 && (min != 0 || max != count - 1)) {
        problems.push_back(
            fmt::format("trial ids are not dense: {} trials with ids {}..{}", count, min, max));
      }
      PgResult bad = conn_.Exec(
          "SELECT COUNT(*) FROM symnas_trials WHERE study_id = $1 AND status NOT IN "
          "('running', 'complete', 'failed', 'pruned', 'rejected')",
          PgParams().Add(study_id_));
      if (bad.Int(0, 0) > 0)
        problems.push_back(fmt::format("{} trials have an invalid status", bad.Int(0, 0)));
      for (const char* table : {"symnas_diagnoses", "symnas_actions", "symnas_rule_weights"}) {
        PgResult orphans = conn_.Exec(
            fmt::format("SELECT COUNT(*) FROM {} a WHERE a.study_id = $1 AND NOT EXISTS "
                        "(SELECT 1 FROM symnas_trials t WHERE t.study_id = a.study_id AND "
                        "t.id = a.trial_id)",
                        table),
            PgParams().Add(study_id_));
        if (orphans.Int(0, 0) > 0) {
          problems.push_back(fmt::format("{} rows of {} name a trial that does not exist",
                                         orphans.Int(0, 0), table));
        }
      }
      PgResult reruns = conn_.Exec(
          "SELECT COUNT(*) FROM symnas_trials a WHERE a.study_id = $1 AND a.rerun_of IS NOT NULL "
          "AND NOT EXISTS (SELECT 1 FROM symnas_trials t WHERE t.study_id = a.study_id AND "
          "t.id = a.rerun_of)",
          PgParams().Add(study_id_));
      if (reruns.Int(0, 0) > 0) {
        problems.push_back(
            fmt::format("{} trials re-run a trial that does not exist", reruns.Int(0, 0)));
      }
      PgResult states =
          conn_.Exec("SELECT COUNT(*) FROM symnas_strategy_states WHERE study_id = $1",
                     PgParams().Add(study_id_));
      if (states.Int(0, 0) > 1) {
        problems.push_back(fmt::format("{} strategy snapshots kept (only the latest should be)",
                                       states.Int(0, 0)));
      }
      std::string out;
      for (const auto& p : problems) out += (out.empty() ? "" : "\n") + p;
      return out.empty() ? std::string("ok") : out;
    });
  }

 private:
  /// Session settings: quiet notices; a lock waited for over a minute is a stuck worker, an
  /// error (SQLite's busy timeout); the server drops a dead worker's session (and the study lock
  /// it may hold) after ~2 min of TCP silence, the driver's default stale_after_s; a reader
  /// cannot write at all.
  std::string SessionSql() const {
    return std::string(
               "SET client_min_messages = warning; SET lock_timeout = '60s'; "
               "SET tcp_keepalives_idle = 60; SET tcp_keepalives_interval = 10; "
               "SET tcp_keepalives_count = 6") +
           (read_only_ ? "; SET default_transaction_read_only = on" : "");
  }

  static std::string InsertTrialSql(bool upsert) {
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

  void CreateSchemaAndStudy() {
    conn_.Exec("BEGIN");
    try {
      conn_.Exec("SELECT pg_advisory_xact_lock($1)", PgParams().Add(kSchemaLockKey));
      conn_.Exec(kPgSchemaSql);
      PgResult version = conn_.Exec("SELECT value FROM symnas_meta WHERE key = 'schema_version'");
      if (version.Rows() > 0) {
        CheckVersion(version.Text(0, 0));
        // Older versions lack only tables, which the IF NOT EXISTS above just created.
        conn_.Exec("UPDATE symnas_meta SET value = $1 WHERE key = 'schema_version'",
                   PgParams().Add(std::to_string(kSchemaVersion)));
      } else {
        conn_.Exec(
            "INSERT INTO symnas_meta(key, value) VALUES ('schema_version', $1), "
            "('writer', 'symnas 0.1.0')",
            PgParams().Add(std::to_string(kSchemaVersion)));
      }
      conn_.Exec(
          "INSERT INTO symnas_studies(name, created_unix_s) VALUES ($1, $2) "
          "ON CONFLICT (name) DO NOTHING",
          PgParams().Add(url_.study).Add(NowUnixSeconds()));
      PgResult id =
          conn_.Exec("SELECT id FROM symnas_studies WHERE name = $1", PgParams().Add(url_.study));
      study_id_ = id.Int(0, 0);
      conn_.Exec("COMMIT");
    } catch (...) {
      conn_.ExecQuietly("ROLLBACK");
      throw;
    }
  }

  void FindStudy() {
    PgResult tables = conn_.Exec(
        "SELECT to_regclass('symnas_meta') IS NOT NULL AND to_regclass('symnas_studies') IS NOT "
        "NULL");
    if (tables.Text(0, 0) != "t") {
      throw StoreError(
          fmt::format("'{}' is not a usable symnas study: the database has no "
                      "symnas tables (not written by symnas search)",
                      url_.display));
    }
    PgResult version = conn_.Exec("SELECT value FROM symnas_meta WHERE key = 'schema_version'");
    if (version.Rows() == 0) {
      throw StoreError(
          fmt::format("'{}' is not a usable symnas study: no schema version (not "
                      "written by symnas search)",
                      url_.display));
    }
    CheckVersion(version.Text(0, 0));
    PgResult id =
        conn_.Exec("SELECT id FROM symnas_studies WHERE name = $1", PgParams().Add(url_.study));
    if (id.Rows() == 0) {
      throw StoreError(
          fmt::format("cannot open study '{}': no study {} in the database (check "
                      "study= in the URL; a search creates it)",
                      url_.display, url_.study));
    }
    study_id_ = id.Int(0, 0);
  }

  bool HasWeightsTable() {
    return conn_.Exec("SELECT to_regclass('symnas_weights') IS NOT NULL").Text(0, 0) == "t";
  }

  static std::string HexOf(const std::string& bytes) {
    static const char* kDigits = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * bytes.size());
    for (unsigned char c : bytes) {
      hex += kDigits[c >> 4];
      hex += kDigits[c & 15];
    }
    return hex;
  }

  static std::string BytesOfHex(const std::string& hex) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    std::string bytes(hex.size() / 2, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      bytes[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    }
    return bytes;
  }

  void CheckVersion(const std::string& text) const {
    int version = 0;
    try {
      version = std::stoi(text);
    } catch (const std::exception&) {
      throw StoreError(fmt::format("'{}' is not a usable symnas study: bad schema version '{}'",
                                   url_.display, text));
    }
    if (version > kSchemaVersion) {
      throw StoreError(fmt::format(
          "'{}' is not a usable symnas study: schema version {} is newer than this build's {}; "
          "use a newer symnas",
          url_.display, version, kSchemaVersion));
    }
  }

  void InsertEdit(const search::SpaceEdit& e) {
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

  void InsertState(std::int64_t trial_id, const nlohmann::json& state) {
    PgResult seq = conn_.Exec(
        "INSERT INTO symnas_strategy_states(study_id, trial_id, state_json) VALUES ($1, $2, $3) "
        "RETURNING seq",
        PgParams().Add(study_id_).Add(trial_id).Add(state.dump()));
    conn_.Exec("DELETE FROM symnas_strategy_states WHERE study_id = $1 AND seq < $2",
               PgParams().Add(study_id_).Add(seq.Int(0, 0)));
  }

  /// Runs `f` (one statement or a whole transaction of the caller's): inside Exclusive() as part
  /// of its transaction, a lost connection then being a StoreError; otherwise a lost connection
  /// is reopened with back-off (0.5 s, doubling, ~2 min in all) and `f` run again.
  template <class F>
  auto Call(F&& f) -> decltype(f()) {
    if (depth_ > 0) {
      try {
        return f();
      } catch (const PgConnectionLost& e) {
        ThrowUnavailable(fmt::format(
            "study '{}': the connection to the server broke inside a study transaction, which "
            "is rolled back as a whole: {}",
            url_.display, e.message()));
      }
    }
    const auto start = std::chrono::steady_clock::now();
    double delay = kFirstRetryDelayS;
    bool reconnect = false;
    for (;;) {
      try {
        if (reconnect || conn_.Broken()) conn_.Reconnect();
        return f();
      } catch (const PgConnectionLost& e) {
        const double waited =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (waited >= kRetryBudgetS) {
          ThrowUnavailable(fmt::format(
              "study '{}': lost the connection to the server and could not reconnect within "
              "{:.0f} s; check that the server is up and reachable: {}",
              url_.display, waited, e.message()));
        }
        // Attempts at 0.5, 1.5, 3.5, ... 63.5 s and a last one at the end of the budget.
        std::this_thread::sleep_for(
            std::chrono::duration<double>(std::min(delay, kRetryBudgetS - waited)));
        delay *= 2;
        reconnect = true;
      }
    }
  }

  /// Runs `f` as one transaction (or inside Exclusive's), retried as a whole after a lost
  /// connection. A connection lost during COMMIT is not retried: whether it committed is unknown.
  template <class F>
  void Write(F&& f) {
    Call([&] {
      if (depth_ > 0) {
        f();
        return;
      }
      conn_.Exec("BEGIN");
      try {
        f();
      } catch (...) {
        conn_.ExecQuietly("ROLLBACK");
        throw;
      }
      Commit();
    });
  }

  void Commit() {
    try {
      conn_.Exec("COMMIT");
    } catch (const PgConnectionLost& e) {
      ThrowUnavailable(fmt::format(
          "study '{}': the connection to the server broke while committing; the last write may "
          "or may not be recorded: {}",
          url_.display, e.message()));
    }
  }

  PgStudyUrl url_;
  bool read_only_;
  PgConnection conn_;
  std::int64_t study_id_ = -1;
  int depth_ = 0;  ///< > 0 inside Exclusive() (or LoadSnapshot's transaction)
  std::mutex heartbeat_mutex_;
  std::unique_ptr<PgConnection> heartbeat_conn_;  ///< Heartbeat()'s own, opened on first use
};

}  // namespace

std::unique_ptr<StudyStore> OpenPostgresStudy(const std::string& url, OpenMode mode) {
  return std::make_unique<PgStudyStore>(ParsePgStudyUrl(url), mode);
}

}  // namespace symnas::store
