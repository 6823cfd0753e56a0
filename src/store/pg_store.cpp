// PgStudyStore: the study store in a PostgreSQL database over libpq. Opening creates the tables
// and the study row (kReadWrite) under an advisory lock; every write is one transaction;
// Exclusive() holds the study row FOR UPDATE; a broken connection is reopened with back-off and
// the call retried, except inside Exclusive(), whose transaction is lost as a whole.
// Rows are read and written in pg_rows.cpp; the study URL is parsed in pg_url.cpp.
#include <fmt/core.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "pg_schema.sql.hpp"
#include "pg_study_store.hpp"
#include "pg_util.hpp"
#include "symnas/common/error.hpp"

namespace symnas::store {

namespace {

/// Key of the advisory lock that serialises schema creation ("symnas" in ASCII).
constexpr std::int64_t kSchemaLockKey = 0x73796d6e6173;

}  // namespace

double PgNowUnixSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

PgStudyStore::PgStudyStore(const PgStudyUrl& url, OpenMode mode)
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
    throw StoreError(
        fmt::format("cannot open study '{}': the connection broke: {}", url_.display, e.message()));
  }
}

void PgStudyStore::Exclusive(const std::function<void()>& work) {
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

std::int64_t PgStudyStore::StateVersion() {
  return Call([&] {
    PgResult r =
        conn_.Exec("SELECT COALESCE(MAX(seq), 0) FROM symnas_strategy_states WHERE study_id = $1",
                   PgParams().Add(study_id_));
    return r.Int(0, 0);
  });
}

void PgStudyStore::Heartbeat(std::int64_t trial_id, double unix_s) {
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

std::string PgStudyStore::IntegrityCheck() {
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
      PgResult orphans =
          conn_.Exec(fmt::format("SELECT COUNT(*) FROM {} a WHERE a.study_id = $1 AND NOT EXISTS "
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
    PgResult states = conn_.Exec("SELECT COUNT(*) FROM symnas_strategy_states WHERE study_id = $1",
                                 PgParams().Add(study_id_));
    if (states.Int(0, 0) > 1) {
      problems.push_back(
          fmt::format("{} strategy snapshots kept (only the latest should be)", states.Int(0, 0)));
    }
    std::string out;
    for (const auto& p : problems) out += (out.empty() ? "" : "\n") + p;
    return out.empty() ? std::string("ok") : out;
  });
}

std::string PgStudyStore::SessionSql() const {
  return std::string(
             "SET client_min_messages = warning; SET lock_timeout = '60s'; "
             "SET tcp_keepalives_idle = 60; SET tcp_keepalives_interval = 10; "
             "SET tcp_keepalives_count = 6") +
         (read_only_ ? "; SET default_transaction_read_only = on" : "");
}

void PgStudyStore::CreateSchemaAndStudy() {
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
        PgParams().Add(url_.study).Add(PgNowUnixSeconds()));
    PgResult id =
        conn_.Exec("SELECT id FROM symnas_studies WHERE name = $1", PgParams().Add(url_.study));
    study_id_ = id.Int(0, 0);
    conn_.Exec("COMMIT");
  } catch (...) {
    conn_.ExecQuietly("ROLLBACK");
    throw;
  }
}

void PgStudyStore::FindStudy() {
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

bool PgStudyStore::HasWeightsTable() {
  return conn_.Exec("SELECT to_regclass('symnas_weights') IS NOT NULL").Text(0, 0) == "t";
}

void PgStudyStore::CheckVersion(const std::string& text) const {
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

void PgStudyStore::Commit() {
  try {
    conn_.Exec("COMMIT");
  } catch (const PgConnectionLost& e) {
    ThrowPgUnavailable(fmt::format(
        "study '{}': the connection to the server broke while committing; the last write may "
        "or may not be recorded: {}",
        url_.display, e.message()));
  }
}

std::unique_ptr<StudyStore> OpenPostgresStudy(const std::string& url, OpenMode mode) {
  return std::make_unique<PgStudyStore>(ParsePgStudyUrl(url), mode);
}

}  // namespace symnas::store
