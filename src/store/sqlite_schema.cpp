// SqliteStudyStore's schema: creation, the version check and the migrations of older files
// (1 -> 2: the status CHECK; 2 -> 3: worker columns; -> weights table), each in a transaction.
#include <fmt/core.h>
#include <sqlite3.h>

#include <optional>
#include <set>
#include <string>

#include "schema.sql.hpp"
#include "sqlite_store.hpp"
#include "sqlite_util.hpp"
#include "symnas/common/error.hpp"

namespace symnas::store {

namespace {

/// The trials columns of schema versions 1 and 2.
constexpr const char* kVersion1Columns =
    "id, status, interrupted, seed, strategy, params_json, estimated_costs_json, accuracy, "
    "test_accuracy, score, feasible, violation, objective_vector_json, metrics_json, curves_json, "
    "details_json, error, wall_seconds, started_unix_s, finished_unix_s";

}  // namespace

void SqliteStudyStore::CreateSchema() {
  Transaction tx(db_);
  Exec(kSchemaSql);
  std::optional<int> version;
  {
    Statement get(db_, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (get.Step()) version = std::stoi(get.Text(0));
  }
  if (version) {
    if (*version > kSchemaVersion) {
      throw StoreError(
          fmt::format("schema version {} is newer than this build's {}; use a newer symnas",
                      *version, kSchemaVersion));
    }
    if (*version < kSchemaVersion) {
      tx.Commit();
      Migrate(*version);
      return;
    }
  } else {
    Statement put(
        db_,
        "INSERT INTO meta(key, value) VALUES ('schema_version', ?), ('writer', 'symnas 0.1.0')");
    put.Bind(1, std::to_string(kSchemaVersion)).Run();
  }
  tx.Commit();
}

void SqliteStudyStore::MigrateTrialsToVersion2() {
  // Version 1 -> 2: the trials table's status CHECK gains pruned and rejected. SQLite cannot
  // alter a CHECK, so the table is rebuilt and its rows copied unchanged. Foreign keys are off
  // meanwhile (a pragma that only works outside a transaction) and legacy_alter_table on, so
  // the other tables' references keep naming "trials", which is then the new table.
  Exec("PRAGMA foreign_keys = OFF");
  Exec("PRAGMA legacy_alter_table = ON");
  {
    Transaction tx(db_);
    Exec("ALTER TABLE trials RENAME TO trials_v1");
    Exec(kSchemaSql);
    Exec(fmt::format("INSERT INTO trials({0}) SELECT {0} FROM trials_v1", kVersion1Columns));
    Exec("DROP TABLE trials_v1");
    Exec("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    tx.Commit();
  }
  Exec("PRAGMA legacy_alter_table = OFF");
  Exec("PRAGMA foreign_keys = ON");
}

void SqliteStudyStore::MigrateTrialsToVersion3() {
  // Version 2 -> 3: nullable or defaulted worker columns, added where missing (a file migrated
  // from version 1 got the current table already). Existing interrupted trials were re-run by
  // the process that found them, so none is requeued.
  Transaction tx(db_);
  std::set<std::string> have;
  {
    Statement info(db_, "PRAGMA table_info(trials)");
    while (info.Step()) have.insert(info.Text(1));
  }
  const std::pair<const char*, const char*> added[] = {{"requeued", "INTEGER NOT NULL DEFAULT 0"},
                                                       {"rerun_of", "INTEGER"},
                                                       {"worker", "TEXT NOT NULL DEFAULT ''"},
                                                       {"heartbeat_unix_s", "REAL"}};
  for (const auto& [name, type] : added) {
    if (!have.count(name)) Exec(fmt::format("ALTER TABLE trials ADD COLUMN {} {}", name, type));
  }
  Exec(fmt::format("UPDATE meta SET value = '{}' WHERE key = 'schema_version'",
                   kWorkersSchemaVersion));
  tx.Commit();
}

void SqliteStudyStore::Migrate(int from_version) {
  // Migrations by the version they lead to, in order; each sets that version itself. A new
  // version is one more row; renumbering one is changing its number here and in study_store.hpp.
  struct Migration {
    int to_version;
    void (SqliteStudyStore::*apply)();
  };
  static constexpr Migration kMigrations[] = {
      {2, &SqliteStudyStore::MigrateTrialsToVersion2},
      {kWorkersSchemaVersion, &SqliteStudyStore::MigrateTrialsToVersion3},
      {kWeightsSchemaVersion, &SqliteStudyStore::MigrateAddWeightsTable},
  };
  for (const Migration& m : kMigrations) {
    if (from_version < m.to_version) (this->*m.apply)();
  }
}

void SqliteStudyStore::MigrateAddWeightsTable() {
  Transaction tx(db_);
  Exec(kWeightsTableSql);
  Exec(fmt::format("UPDATE meta SET value = '{}' WHERE key = 'schema_version'",
                   kWeightsSchemaVersion));
  tx.Commit();
}

void SqliteStudyStore::CheckSchemaVersion() {
  Statement get(db_, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (!get.Step()) throw StoreError("no schema version (not written by symnas search)");
  if (std::stoi(get.Text(0)) > kSchemaVersion) {
    throw StoreError(
        fmt::format("schema version {} is newer than this build's {}; use a newer symnas",
                    get.Text(0), kSchemaVersion));
  }
}

}  // namespace symnas::store
