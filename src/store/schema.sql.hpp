// The study database schema, version kSchemaVersion (2 added the statuses pruned, rejected;
// kWorkersSchemaVersion the worker columns of trials; kWeightsSchemaVersion the weights table).
// Documented in docs/search.md; tables
// are only ever added or extended with nullable columns in later versions (migrations by
// version number in sqlite_store.cpp).
#pragma once

#include <string>

namespace symnas::store {

/// The weights table (kWeightsSchemaVersion), also created alone by its migration.
inline constexpr const char* kWeightsTableSql = R"sql(
CREATE TABLE IF NOT EXISTS weights (
  trial_id     INTEGER PRIMARY KEY REFERENCES trials(id),  -- kept per the keep_weights option
  format       TEXT NOT NULL,                 -- symnas_model/1: nn::SerializeTrainedModel bytes
  bytes        BLOB NOT NULL,
  saved_unix_s REAL NOT NULL
);
)sql";

/// Every table of the current version but the weights table (kSchemaSql below is both).
inline constexpr const char* kBaseSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,            -- schema_version, created_unix_s, writer
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS study (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  config_json TEXT NOT NULL          -- search::StudyConfig::ToJson (initial space included)
);
CREATE TABLE IF NOT EXISTS trials (
  id                    INTEGER PRIMARY KEY,   -- 0-based, dense, order of start
  status                TEXT NOT NULL
                        CHECK (status IN ('running', 'complete', 'failed', 'pruned', 'rejected')),
  interrupted           INTEGER NOT NULL DEFAULT 0,  -- 1: was running when the process died
  seed                  TEXT NOT NULL,         -- uint64 in decimal
  strategy              TEXT NOT NULL,
  params_json           TEXT NOT NULL,
  estimated_costs_json  TEXT NOT NULL DEFAULT '{}',
  accuracy              REAL,
  test_accuracy         REAL,
  score                 REAL,                  -- objective score (complete trials)
  feasible              INTEGER,
  violation             REAL,
  objective_vector_json TEXT NOT NULL DEFAULT '[]',
  metrics_json          TEXT NOT NULL DEFAULT '{}',
  curves_json           TEXT NOT NULL DEFAULT '{}',
  details_json          TEXT NOT NULL DEFAULT 'null',  -- architecture, epochs run, stop reason
  error                 TEXT NOT NULL DEFAULT '',
  wall_seconds          REAL,
  started_unix_s        REAL,
  finished_unix_s       REAL,
  requeued              INTEGER NOT NULL DEFAULT 0,  -- 1: interrupted, candidate awaits a re-run
  rerun_of              INTEGER,               -- the interrupted trial this one re-runs
  worker                TEXT NOT NULL DEFAULT '',  -- host:pid of the worker that ran it
  heartbeat_unix_s      REAL                   -- its worker's last sign of life while running
);
CREATE TABLE IF NOT EXISTS space_edits (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,  -- replay order
  trial_id  INTEGER,                            -- trial after which it was applied (reason)
  kind      TEXT NOT NULL,
  name      TEXT NOT NULL,
  action    TEXT NOT NULL,
  edit_json TEXT NOT NULL                       -- search::SpaceEdit::ToJson
);
CREATE TABLE IF NOT EXISTS strategy_states (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  trial_id   INTEGER NOT NULL,
  state_json TEXT NOT NULL                      -- Strategy::Save; only the latest is kept
);
CREATE TABLE IF NOT EXISTS diagnoses (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  trial_id     INTEGER NOT NULL REFERENCES trials(id),
  problem      TEXT NOT NULL,                   -- e.g. overfitting, thr_exceeded
  probability  REAL NOT NULL,
  details_json TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS actions (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  trial_id     INTEGER NOT NULL REFERENCES trials(id),
  action       TEXT NOT NULL,                   -- e.g. reg_l2, dec_layers
  probability  REAL NOT NULL,
  applied      INTEGER NOT NULL,
  details_json TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS rule_weights (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  trial_id INTEGER NOT NULL,                    -- learned after this trial
  rule     TEXT NOT NULL,
  weight   REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS kv (
  key        TEXT PRIMARY KEY,                  -- free study-level state of later parts
  value_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS diagnoses_trial ON diagnoses(trial_id);
CREATE INDEX IF NOT EXISTS actions_trial ON actions(trial_id);
CREATE INDEX IF NOT EXISTS rule_weights_trial ON rule_weights(trial_id);
)sql";

/// The whole current schema.
inline const std::string kSchemaSql = std::string(kBaseSchemaSql) + kWeightsTableSql;

}  // namespace symnas::store
