// The study store: where a study's config, trials, space edits, strategy snapshots and tuner
// tables (diagnoses, actions, rule weights) live, behind one interface with two backends
// (SQLite file, PostgreSQL database). Implements search::StudyRecorder so the driver's workers
// claim, record and resume through it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "symnas/search/driver.hpp"
#include "symnas/search/space.hpp"
#include "symnas/search/trial.hpp"

namespace symnas::store {

/// Version of the schema written by this build (table `meta`, key `schema_version`).
/// 2: statuses pruned, rejected; kWorkersSchemaVersion: the worker columns of trials (worker,
/// heartbeat_unix_s, requeued, rerun_of); kWeightsSchemaVersion: the weights table.
inline constexpr int kSchemaVersion = 4;
/// The version that added the worker columns (migration: MigrateTrialsToVersion3).
inline constexpr int kWorkersSchemaVersion = 3;
/// The version that added the weights table (migration: MigrateAddWeightsTable).
inline constexpr int kWeightsSchemaVersion = 4;

/// A stored diagnosis row.
struct DiagnosisRow {
  std::int64_t trial_id = -1;
  search::Diagnosis diagnosis;
};
/// A stored action row.
struct ActionRow {
  std::int64_t trial_id = -1;
  search::ActionRecord action;
};
/// A stored set of learned rule weights (after trial `trial_id`).
struct RuleWeightsRow {
  std::int64_t trial_id = -1;
  std::map<std::string, double> weights;
};

/// How a study file is opened: kReadWrite creates it (and its schema) if needed; kReadOnly
/// needs an existing symnas study, never writes, and reads alongside a running writer (WAL).
enum class OpenMode { kReadWrite, kReadOnly };

/// Everything a reader of a study needs, read in one transaction (a consistent snapshot even
/// while a search process writes the file).
struct StudySnapshot {
  std::optional<nlohmann::json> config;
  std::vector<search::TrialRecord> trials;
  std::vector<search::SpaceEdit> edits;
  std::vector<DiagnosisRow> diagnoses;
  std::vector<ActionRow> actions;
  std::vector<RuleWeightsRow> rule_weights;
};

/// An open study: the one interface of both backends. Open() picks the backend from the
/// location: a path is a SQLite file (WAL; the workers of one machine), a
/// `postgresql://user@host[:port]/db?study=name` URL is a study in a PostgreSQL database (any
/// number of machines; several studies per database). Every write is one transaction; inside
/// Exclusive() the calls join its transaction. One object is used by one thread, except
/// Heartbeat(), which may be called from a second thread (it has a connection of its own).
class StudyStore : public search::StudyRecorder {
 public:
  /// Opens (kReadWrite: or creates) the study at `location`; StoreError if it cannot be
  /// opened, is not a symnas study, or has a newer schema version.
  static std::unique_ptr<StudyStore> Open(const std::string& location,
                                          OpenMode mode = OpenMode::kReadWrite);
  ~StudyStore() override = default;

  /// The path or URL it was opened with (a URL's password replaced by ***).
  virtual const std::string& location() const = 0;

  /// The study configuration (JSON of search::StudyConfig plus the initial space); stored once.
  virtual void SaveConfig(const nlohmann::json& config) = 0;
  virtual std::optional<nlohmann::json> LoadConfig() = 0;

  // search::StudyRecorder (LoadTrials, LoadTrialsFrom, LoadSpaceEdits, LoadStrategyState,
  // BeginTrial, FinishTrial, MarkInterrupted, Exclusive, StateVersion, Heartbeat) stays pure.

  /// Records a space edit outside a trial (e.g. a user edit before the first trial).
  virtual void RecordSpaceEdit(const search::SpaceEdit& edit) = 0;
  /// Tuner tables, readable by any later part.
  virtual std::vector<DiagnosisRow> LoadDiagnoses() = 0;
  virtual std::vector<ActionRow> LoadActions() = 0;
  virtual std::vector<RuleWeightsRow> LoadRuleWeights() = 0;
  /// Stores the trained weights of trial `trial_id` (bytes in `format`, e.g. symnas_model/1)
  /// and, in the same transaction, keeps only the weights of the best `keep` trials that have
  /// any (by feasibility, then score; keep < 0: all).
  virtual void SaveWeights(std::int64_t trial_id, const std::string& format,
                           const std::string& bytes, int keep) = 0;
  /// The stored weights of a trial, if any (format, bytes).
  virtual std::optional<std::pair<std::string, std::string>> LoadWeights(std::int64_t trial_id) = 0;
  /// Ids of the trials whose weights are stored, ascending.
  virtual std::vector<std::int64_t> WeightTrialIds() = 0;
  /// Free key -> JSON values for parts that need a little study-level state.
  virtual void PutValue(const std::string& key, const nlohmann::json& value) = 0;
  virtual std::optional<nlohmann::json> GetValue(const std::string& key) = 0;

  /// Config, trials, edits and tuner tables from one read transaction (a consistent snapshot
  /// even while workers write).
  virtual StudySnapshot LoadSnapshot() = 0;

  /// "ok" when the stored study is sound: SQLite's `PRAGMA integrity_check`; on PostgreSQL
  /// the study's rows checked for dense trial ids, valid statuses and references.
  virtual std::string IntegrityCheck() = 0;

 protected:
  /// The snapshot's parts, read one after the other; a backend runs it inside its read
  /// transaction.
  StudySnapshot ReadSnapshotParts();
};

/// True when `location` names a PostgreSQL study (starts with postgresql:// or postgres://).
bool IsDatabaseUrl(const std::string& location);

/// All trials as CSV: one row per trial, parameters and metrics as columns (union over trials,
/// sorted), curves omitted. RFC 4180 quoting.
std::string TrialsToCsv(const std::vector<search::TrialRecord>& trials);
/// All trials, space edits and config as one JSON document.
nlohmann::json StudyToJson(StudyStore& store);

}  // namespace symnas::store
