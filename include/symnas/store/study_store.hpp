// The study store: one SQLite file per study (WAL mode, one transaction per call) holding the
// config, every trial, every space edit, strategy snapshots and the tuner's tables (diagnoses,
// actions, rule weights). Implements search::StudyRecorder so the driver can resume from it.
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

struct sqlite3;

namespace symnas::store {

/// Version of the schema written by this build (table `meta`, key `schema_version`).
/// 2: statuses pruned, rejected; kWeightsSchemaVersion: the weights table.
inline constexpr int kSchemaVersion = 3;
/// The version that added the weights table (its migration: StudyStore::MigrateAddWeightsTable).
inline constexpr int kWeightsSchemaVersion = 3;

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

/// An open study database. Not thread-safe; one writer process at a time (SQLite locking).
class StudyStore : public search::StudyRecorder {
 public:
  /// Opens (kReadWrite: or creates) the study file; StoreError if it cannot be opened, is not a
  /// symnas study, or has a newer schema version.
  explicit StudyStore(const std::string& path, OpenMode mode = OpenMode::kReadWrite);
  ~StudyStore() override;
  StudyStore(const StudyStore&) = delete;
  StudyStore& operator=(const StudyStore&) = delete;

  const std::string& path() const { return path_; }

  /// The study configuration (JSON of search::StudyConfig plus the initial space); stored once.
  void SaveConfig(const nlohmann::json& config);
  std::optional<nlohmann::json> LoadConfig();

  // search::StudyRecorder
  std::vector<search::TrialRecord> LoadTrials() override;
  std::vector<search::SpaceEdit> LoadSpaceEdits() override;
  std::optional<nlohmann::json> LoadStrategyState() override;
  void BeginTrial(const search::TrialRecord& trial, const std::vector<search::SpaceEdit>& edits,
                  const nlohmann::json& strategy_state) override;
  void FinishTrial(const search::TrialRecord& trial, const std::vector<search::SpaceEdit>& edits,
                   const search::TrialAnnotations& annotations,
                   const nlohmann::json& strategy_state) override;
  void MarkInterrupted(std::int64_t trial_id, const std::string& error) override;

  /// Records a space edit outside a trial (e.g. a user edit before the first trial).
  void RecordSpaceEdit(const search::SpaceEdit& edit);
  /// Tuner tables, readable by any later part.
  std::vector<DiagnosisRow> LoadDiagnoses();
  std::vector<ActionRow> LoadActions();
  std::vector<RuleWeightsRow> LoadRuleWeights();
  /// Stores the trained weights of trial `trial_id` (bytes in `format`, e.g. symnas_model/1)
  /// and, in the same transaction, keeps only the weights of the best `keep` trials that have
  /// any (by feasibility, then score; keep < 0: all).
  void SaveWeights(std::int64_t trial_id, const std::string& format, const std::string& bytes,
                   int keep);
  /// The stored weights of a trial, if any (format, bytes).
  std::optional<std::pair<std::string, std::string>> LoadWeights(std::int64_t trial_id);
  /// Ids of the trials whose weights are stored, ascending.
  std::vector<std::int64_t> WeightTrialIds();
  /// Free key -> JSON values for parts that need a little study-level state.
  void PutValue(const std::string& key, const nlohmann::json& value);
  std::optional<nlohmann::json> GetValue(const std::string& key);

  /// Config, trials, edits and tuner tables from one read transaction.
  StudySnapshot LoadSnapshot();

  /// `PRAGMA integrity_check` result: "ok" when the file is sound.
  std::string IntegrityCheck();

 private:
  void Exec(const std::string& sql);
  void CreateSchema();
  /// Rebuilds the trials table of a version-1 file with version 2's status CHECK.
  void MigrateTrialsToVersion2();
  /// Runs, in version order, every migration past `from_version` (table in study_store.cpp).
  void Migrate(int from_version);
  /// To kWeightsSchemaVersion: adds the weights table (kWeightsTableSql), sets that version.
  void MigrateAddWeightsTable();
  void CheckSchemaVersion();
  void InsertEdit(const search::SpaceEdit& edit);
  void InsertState(std::int64_t trial_id, const nlohmann::json& state);

  std::string path_;
  sqlite3* db_ = nullptr;
};

/// All trials as CSV: one row per trial, parameters and metrics as columns (union over trials,
/// sorted), curves omitted. RFC 4180 quoting.
std::string TrialsToCsv(const std::vector<search::TrialRecord>& trials);
/// All trials, space edits and config as one JSON document.
nlohmann::json StudyToJson(StudyStore& store);

}  // namespace symnas::store
