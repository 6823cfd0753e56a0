// The PostgreSQL schema of the study store, version kSchemaVersion, the SQLite schema's
// tables prefixed symnas_ with a study_id column: several studies share one database, each a
// row of symnas_studies. Created with IF NOT EXISTS under an advisory lock (pg_store.cpp), which
// is also the migration: later versions only add tables (v4: symnas_weights).
#pragma once

namespace symnas::store {

inline constexpr const char* kPgSchemaSql = R"sql(
CREATE TABLE IF NOT EXISTS symnas_meta (
  key   TEXT PRIMARY KEY,            -- schema_version, writer
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS symnas_studies (
  id             BIGSERIAL PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,     -- the URL's study=NAME
  config_json    TEXT,                     -- search::StudyConfig::ToJson; NULL until saved
  created_unix_s DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS symnas_trials (
  study_id              BIGINT NOT NULL REFERENCES symnas_studies(id) ON DELETE CASCADE,
  id                    BIGINT NOT NULL,       -- 0-based, dense per study, order of start
  status                TEXT NOT NULL
                        CHECK (status IN ('running', 'complete', 'failed', 'pruned', 'rejected')),
  interrupted           INTEGER NOT NULL DEFAULT 0,
  seed                  TEXT NOT NULL,         -- uint64 in decimal
  strategy              TEXT NOT NULL,
  params_json           TEXT NOT NULL,
  estimated_costs_json  TEXT NOT NULL DEFAULT '{}',
  accuracy              DOUBLE PRECISION,
  test_accuracy         DOUBLE PRECISION,
  score                 DOUBLE PRECISION,
  feasible              INTEGER,
  violation             DOUBLE PRECISION,
  objective_vector_json TEXT NOT NULL DEFAULT '[]',
  metrics_json          TEXT NOT NULL DEFAULT '{}',
  curves_json           TEXT NOT NULL DEFAULT '{}',
  details_json          TEXT NOT NULL DEFAULT 'null',
  error                 TEXT NOT NULL DEFAULT '',
  wall_seconds          DOUBLE PRECISION,
  started_unix_s        DOUBLE PRECISION,
  finished_unix_s       DOUBLE PRECISION,
  requeued              INTEGER NOT NULL DEFAULT 0,
  rerun_of              BIGINT,
  worker                TEXT NOT NULL DEFAULT '',
  heartbeat_unix_s      DOUBLE PRECISION,
  PRIMARY KEY (study_id, id)
);
CREATE TABLE IF NOT EXISTS symnas_space_edits (
  seq       BIGSERIAL PRIMARY KEY,             -- replay order
  study_id  BIGINT NOT NULL REFERENCES symnas_studies(id) ON DELETE CASCADE,
  trial_id  BIGINT,
  kind      TEXT NOT NULL,
  name      TEXT NOT NULL,
  action    TEXT NOT NULL,
  edit_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS symnas_strategy_states (
  seq        BIGSERIAL PRIMARY KEY,            -- StateVersion(); only the latest row is kept
  study_id   BIGINT NOT NULL REFERENCES symnas_studies(id) ON DELETE CASCADE,
  trial_id   BIGINT NOT NULL,
  state_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS symnas_diagnoses (
  id           BIGSERIAL PRIMARY KEY,
  study_id     BIGINT NOT NULL,
  trial_id     BIGINT NOT NULL,
  problem      TEXT NOT NULL,
  probability  DOUBLE PRECISION NOT NULL,
  details_json TEXT NOT NULL DEFAULT '{}',
  FOREIGN KEY (study_id, trial_id) REFERENCES symnas_trials(study_id, id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS symnas_actions (
  id           BIGSERIAL PRIMARY KEY,
  study_id     BIGINT NOT NULL,
  trial_id     BIGINT NOT NULL,
  action       TEXT NOT NULL,
  probability  DOUBLE PRECISION NOT NULL,
  applied      INTEGER NOT NULL,
  details_json TEXT NOT NULL DEFAULT '{}',
  FOREIGN KEY (study_id, trial_id) REFERENCES symnas_trials(study_id, id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS symnas_rule_weights (
  id       BIGSERIAL PRIMARY KEY,
  study_id BIGINT NOT NULL REFERENCES symnas_studies(id) ON DELETE CASCADE,
  trial_id BIGINT NOT NULL,
  rule     TEXT NOT NULL,
  weight   DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS symnas_kv (
  study_id   BIGINT NOT NULL REFERENCES symnas_studies(id) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  value_json TEXT NOT NULL,
  PRIMARY KEY (study_id, key)
);
CREATE TABLE IF NOT EXISTS symnas_weights (  -- kWeightsSchemaVersion: kept trained weights
  study_id     BIGINT NOT NULL,
  trial_id     BIGINT NOT NULL,
  format       TEXT NOT NULL,                 -- symnas_model/1: nn::SerializeTrainedModel bytes
  bytes        BYTEA NOT NULL,
  saved_unix_s DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (study_id, trial_id),
  FOREIGN KEY (study_id, trial_id) REFERENCES symnas_trials(study_id, id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS symnas_space_edits_study ON symnas_space_edits(study_id, seq);
CREATE INDEX IF NOT EXISTS symnas_strategy_states_study ON symnas_strategy_states(study_id, seq);
CREATE INDEX IF NOT EXISTS symnas_diagnoses_trial ON symnas_diagnoses(study_id, trial_id);
CREATE INDEX IF NOT EXISTS symnas_actions_trial ON symnas_actions(study_id, trial_id);
CREATE INDEX IF NOT EXISTS symnas_rule_weights_trial ON symnas_rule_weights(study_id, trial_id);
)sql";

}  // namespace symnas::store
