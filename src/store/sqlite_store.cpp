// SqliteStudyStore: opening (WAL, FULL sync; schema and migrations in sqlite_schema.cpp),
// trials, edits, snapshots, tuner tables, weights and the key-value table, each write in one
// transaction; the study lock of several workers is a BEGIN IMMEDIATE transaction.
#include "sqlite_store.hpp"

#include <fmt/core.h>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>
#include <type_traits>
#include <variant>

#include "schema.sql.hpp"
#include "sqlite_util.hpp"
#include "symnas/common/error.hpp"
#include "trial_row.hpp"

namespace symnas::store {

using search::TrialRecord;
using search::TrialStatus;

namespace {

constexpr int kBusyTimeoutMs = 60000;

std::string DirectoryOf(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// Tries to create (and removes) a file in dir: access(2) says yes to root on a read-only mount.
bool DirectoryWritable(const std::string& dir) {
  const std::string probe = (std::filesystem::path(dir) / ".symnas-write-probe").string();
  std::FILE* f = std::fopen(probe.c_str(), "w");
  if (!f) return false;
  std::fclose(f);
  std::remove(probe.c_str());
  return true;
}

}  // namespace

SqliteStudyStore::SqliteStudyStore(const std::string& path, OpenMode mode) : path_(path) {
  const bool read_only = mode == OpenMode::kReadOnly;
  const int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError(fmt::format("cannot open study '{}': {} ({})", path, msg,
                                 read_only ? "check the file exists and is readable"
                                           : "check the directory exists and is writable"));
  }
  try {
    // Workers wait for each other's short transactions; a minute of waiting is a stuck writer.
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    if (read_only) {
      CheckSchemaVersion();  // the writer chose WAL; a reader never changes the file
    } else {
      {
        Statement wal(db_, "PRAGMA journal_mode=WAL");
        if (wal.Step() && wal.Text(0) != "wal") {
          throw StoreError(
              fmt::format("study '{}': cannot switch to WAL mode (got '{}')", path, wal.Text(0)));
        }
      }
      Exec("PRAGMA synchronous=FULL");
      Exec("PRAGMA foreign_keys=ON");
      CreateSchema();
    }
  } catch (const StoreError& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    // WAL mode creates '<study>-wal' and '-shm' beside the file: a read-only directory is the
    // directory's fault, not the study's.
    const std::string dir = DirectoryOf(path);
    if (!read_only && !DirectoryWritable(dir)) {
      throw StoreError(fmt::format("cannot write the study '{}': its directory '{}' is not "
                                   "writable (SQLite creates '{}-wal' beside it); make the "
                                   "directory writable or pass --study in a writable directory",
                                   path, dir, path),
                       {dir, 0, 0});
    }
    throw StoreError(fmt::format("'{}' is not a usable symnas study: {}", path, e.message()));
  }
}

SqliteStudyStore::~SqliteStudyStore() {
  if (heartbeat_db_) sqlite3_close(heartbeat_db_);
  if (db_) sqlite3_close(db_);
}

void SqliteStudyStore::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  if (rc != SQLITE_OK) throw StoreError(fmt::format("SQL failed: {} ({})", msg, sql.substr(0, 60)));
}

void SqliteStudyStore::SaveWeights(std::int64_t trial_id, const std::string& format,
                                   const std::string& bytes, int keep) {
  Transaction tx(db_);
  Statement(db_,
            "INSERT OR REPLACE INTO weights(trial_id, format, bytes, saved_unix_s) VALUES (?, ?, "
            "?, (julianday('now') - 2440587.5) * 86400.0)")
      .Bind(1, trial_id)
      .Bind(2, format)
      .BindBlob(3, bytes)
      .Run();
  if (keep >= 0) {
    Statement(db_,
              "DELETE FROM weights WHERE trial_id NOT IN (SELECT w.trial_id FROM weights w JOIN "
              "trials t ON t.id = w.trial_id ORDER BY COALESCE(t.feasible, 0) DESC, "
              "COALESCE(t.score, -1e308) DESC, t.id LIMIT ?)")
        .Bind(1, std::int64_t{keep})
        .Run();
  }
  tx.Commit();
}

std::optional<std::pair<std::string, std::string>> SqliteStudyStore::LoadWeights(
    std::int64_t trial_id) {
  {  // a file from before kWeightsSchemaVersion opened read-only has no weights table
    Statement has(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'weights'");
    if (!has.Step()) return std::nullopt;
  }
  Statement s(db_, "SELECT format, bytes FROM weights WHERE trial_id = ?");
  s.Bind(1, trial_id);
  if (!s.Step()) return std::nullopt;
  return std::make_pair(s.Text(0), s.Blob(1));
}

std::vector<std::int64_t> SqliteStudyStore::WeightTrialIds() {
  std::vector<std::int64_t> ids;
  Statement s(db_, "SELECT trial_id FROM weights ORDER BY trial_id");
  while (s.Step()) ids.push_back(s.Int(0));
  return ids;
}

void SqliteStudyStore::SaveConfig(const nlohmann::json& config) {
  Transaction tx(db_);
  Statement(db_, "INSERT OR REPLACE INTO study(id, config_json) VALUES (1, ?)")
      .Bind(1, config.dump())
      .Run();
  tx.Commit();
}

std::optional<nlohmann::json> SqliteStudyStore::LoadConfig() {
  Statement s(db_, "SELECT config_json FROM study WHERE id = 1");
  if (!s.Step()) return std::nullopt;
  return nlohmann::json::parse(s.Text(0));
}

namespace {

/// "?,?,...": one placeholder per trial column.
const std::string& TrialPlaceholders() {
  static const std::string text = [] {
    std::string s = "?";
    for (int i = 1; i < kTrialColumnCount; ++i) s += ",?";
    return s;
  }();
  return text;
}

void BindTrial(Statement& s, const TrialRecord& t) {
  const std::vector<Cell> row = TrialToRow(t);
  for (int i = 0; i < kTrialColumnCount; ++i) {
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::monostate>) {
            s.BindNull(i + 1);
          } else {
            s.Bind(i + 1, v);
          }
        },
        row[static_cast<std::size_t>(i)]);
  }
}

/// A result row of a Statement as TrialFromRow reads it.
class StatementRow final : public RowReader {
 public:
  explicit StatementRow(const Statement& s) : s_(s) {}
  bool IsNull(int c) const override { return s_.IsNull(c); }
  std::int64_t Int(int c) const override { return s_.Int(c); }
  double Double(int c) const override { return s_.Double(c); }
  std::string Text(int c) const override { return s_.Text(c); }

 private:
  const Statement& s_;
};

TrialRecord ReadTrial(const Statement& s) { return TrialFromRow(StatementRow(s)); }

}  // namespace

std::vector<TrialRecord> SqliteStudyStore::LoadTrials() { return LoadTrialsFrom(0); }

std::vector<TrialRecord> SqliteStudyStore::LoadTrialsFrom(std::int64_t first_id) {
  std::vector<TrialRecord> out;
  Statement s(db_, fmt::format("SELECT {} FROM trials WHERE id >= ? ORDER BY id", kTrialColumns));
  s.Bind(1, first_id);
  try {
    while (s.Step()) out.push_back(ReadTrial(s));
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(fmt::format("study '{}': malformed trial row: {}", path_, e.what()));
  }
  return out;
}

std::vector<search::SpaceEdit> SqliteStudyStore::LoadSpaceEdits() {
  std::vector<search::SpaceEdit> out;
  Statement s(db_, "SELECT edit_json FROM space_edits ORDER BY seq");
  while (s.Step()) out.push_back(search::SpaceEdit::FromJson(nlohmann::json::parse(s.Text(0))));
  return out;
}

std::optional<nlohmann::json> SqliteStudyStore::LoadStrategyState() {
  Statement s(db_, "SELECT state_json FROM strategy_states ORDER BY seq DESC LIMIT 1");
  if (!s.Step()) return std::nullopt;
  return nlohmann::json::parse(s.Text(0));
}

void SqliteStudyStore::InsertEdit(const search::SpaceEdit& e) {
  Statement s(
      db_,
      "INSERT INTO space_edits(trial_id, kind, name, action, edit_json) VALUES (?, ?, ?, ?, ?)");
  s.Bind(1, e.reason.trial_id)
      .Bind(2, std::string(search::SpaceEditKindName(e.kind)))
      .Bind(3, e.name)
      .Bind(4, e.reason.action)
      .Bind(5, e.ToJson().dump())
      .Run();
}

void SqliteStudyStore::InsertState(std::int64_t trial_id, const nlohmann::json& state) {
  Statement(db_, "INSERT INTO strategy_states(trial_id, state_json) VALUES (?, ?)")
      .Bind(1, trial_id)
      .Bind(2, state.dump())
      .Run();
  Statement(db_, "DELETE FROM strategy_states WHERE seq < (SELECT MAX(seq) FROM strategy_states)")
      .Run();
}

void SqliteStudyStore::BeginTrial(const TrialRecord& trial,
                                  const std::vector<search::SpaceEdit>& edits,
                                  const nlohmann::json& strategy_state) {
  Transaction tx(db_);
  {
    Statement next(db_, "SELECT COALESCE(MAX(id) + 1, 0) FROM trials");
    next.Step();
    if (next.Int(0) != trial.id) {
      throw StoreError(fmt::format("study '{}': trial id {} is not the next id {}", path_, trial.id,
                                   next.Int(0)));
    }
  }
  Statement s(
      db_, fmt::format("INSERT INTO trials({}) VALUES ({})", kTrialColumns, TrialPlaceholders()));
  BindTrial(s, trial);
  s.Run();
  if (trial.rerun_of >= 0) {
    Statement(db_, "UPDATE trials SET requeued = 0 WHERE id = ?").Bind(1, trial.rerun_of).Run();
  }
  for (const auto& e : edits) InsertEdit(e);
  InsertState(trial.id, strategy_state);
  tx.Commit();
}

void SqliteStudyStore::FinishTrial(const TrialRecord& trial,
                                   const std::vector<search::SpaceEdit>& edits,
                                   const search::TrialAnnotations& notes,
                                   const nlohmann::json& strategy_state) {
  Transaction tx(db_);
  Statement s(
      db_, fmt::format("REPLACE INTO trials({}) VALUES ({})", kTrialColumns, TrialPlaceholders()));
  BindTrial(s, trial);
  s.Run();
  for (const auto& e : edits) InsertEdit(e);
  for (const auto& d : notes.diagnoses) {
    Statement(
        db_,
        "INSERT INTO diagnoses(trial_id, problem, probability, details_json) VALUES (?, ?, ?, ?)")
        .Bind(1, trial.id)
        .Bind(2, d.problem)
        .Bind(3, d.probability)
        .Bind(4, d.details.dump())
        .Run();
  }
  for (const auto& a : notes.actions) {
    Statement(db_,
              "INSERT INTO actions(trial_id, action, probability, applied, details_json) VALUES "
              "(?, ?, ?, ?, ?)")
        .Bind(1, trial.id)
        .Bind(2, a.action)
        .Bind(3, a.probability)
        .Bind(4, std::int64_t{a.applied})
        .Bind(5, a.details.dump())
        .Run();
  }
  for (const auto& [rule, weight] : notes.rule_weights) {
    Statement(db_, "INSERT INTO rule_weights(trial_id, rule, weight) VALUES (?, ?, ?)")
        .Bind(1, trial.id)
        .Bind(2, rule)
        .Bind(3, weight)
        .Run();
  }
  InsertState(trial.id, strategy_state);
  tx.Commit();
}

void SqliteStudyStore::MarkInterrupted(std::int64_t trial_id, const std::string& error) {
  Transaction tx(db_);
  Statement s(db_,
              "UPDATE trials SET status = 'failed', interrupted = 1, requeued = 1, error = ? "
              "WHERE id = ? AND status = 'running'");
  s.Bind(1, error).Bind(2, trial_id).Run();
  tx.Commit();
}

void SqliteStudyStore::Exclusive(const std::function<void()>& work) {
  Transaction tx(db_);
  work();
  tx.Commit();
}

std::int64_t SqliteStudyStore::StateVersion() {
  Statement s(db_, "SELECT COALESCE(MAX(seq), 0) FROM strategy_states");
  s.Step();
  return s.Int(0);
}

void SqliteStudyStore::Heartbeat(std::int64_t trial_id, double unix_s) {
  std::lock_guard<std::mutex> lock(heartbeat_mutex_);
  if (!heartbeat_db_) {
    int rc = sqlite3_open_v2(path_.c_str(), &heartbeat_db_, SQLITE_OPEN_READWRITE, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = heartbeat_db_ ? sqlite3_errmsg(heartbeat_db_) : sqlite3_errstr(rc);
      sqlite3_close(heartbeat_db_);
      heartbeat_db_ = nullptr;
      throw StoreError(fmt::format("study '{}': cannot open for heartbeats: {}", path_, msg));
    }
    sqlite3_busy_timeout(heartbeat_db_, kBusyTimeoutMs);
  }
  Statement(heartbeat_db_,
            "UPDATE trials SET heartbeat_unix_s = ? WHERE id = ? AND status = 'running'")
      .Bind(1, unix_s)
      .Bind(2, trial_id)
      .Run();
}

void SqliteStudyStore::RecordSpaceEdit(const search::SpaceEdit& edit) {
  Transaction tx(db_);
  InsertEdit(edit);
  tx.Commit();
}

std::vector<DiagnosisRow> SqliteStudyStore::LoadDiagnoses() {
  std::vector<DiagnosisRow> out;
  Statement s(db_,
              "SELECT trial_id, problem, probability, details_json FROM diagnoses ORDER BY id");
  while (s.Step())
    out.push_back({s.Int(0), {s.Text(1), s.Double(2), nlohmann::json::parse(s.Text(3))}});
  return out;
}

std::vector<ActionRow> SqliteStudyStore::LoadActions() {
  std::vector<ActionRow> out;
  Statement s(
      db_, "SELECT trial_id, action, probability, applied, details_json FROM actions ORDER BY id");
  while (s.Step())
    out.push_back(
        {s.Int(0), {s.Text(1), s.Double(2), s.Int(3) != 0, nlohmann::json::parse(s.Text(4))}});
  return out;
}

std::vector<RuleWeightsRow> SqliteStudyStore::LoadRuleWeights() {
  std::vector<RuleWeightsRow> out;
  Statement s(db_, "SELECT trial_id, rule, weight FROM rule_weights ORDER BY trial_id, id");
  while (s.Step()) {
    if (out.empty() || out.back().trial_id != s.Int(0)) out.push_back({s.Int(0), {}});
    out.back().weights[s.Text(1)] = s.Double(2);
  }
  return out;
}

void SqliteStudyStore::PutValue(const std::string& key, const nlohmann::json& value) {
  Transaction tx(db_);
  Statement(db_, "INSERT OR REPLACE INTO kv(key, value_json) VALUES (?, ?)")
      .Bind(1, key)
      .Bind(2, value.dump())
      .Run();
  tx.Commit();
}

std::optional<nlohmann::json> SqliteStudyStore::GetValue(const std::string& key) {
  Statement s(db_, "SELECT value_json FROM kv WHERE key = ?");
  s.Bind(1, key);
  if (!s.Step()) return std::nullopt;
  return nlohmann::json::parse(s.Text(0));
}

StudySnapshot SqliteStudyStore::LoadSnapshot() {
  // A deferred transaction: its first read fixes the snapshot; a WAL writer is never blocked.
  Exec("BEGIN DEFERRED");
  try {
    StudySnapshot snapshot = ReadSnapshotParts();
    Exec("COMMIT");
    return snapshot;
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::string SqliteStudyStore::IntegrityCheck() {
  Statement s(db_, "PRAGMA integrity_check");
  std::string out;
  while (s.Step()) out += (out.empty() ? "" : "\n") + s.Text(0);
  return out;
}

}  // namespace symnas::store
