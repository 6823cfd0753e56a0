// The SQLite backend of the study store: one file per study, WAL, FULL sync; the workers of one
// machine share it (BEGIN IMMEDIATE serialises them; a busy file is waited for, not an error).
#pragma once

#include <mutex>
#include <string>

#include "symnas/store/study_store.hpp"

struct sqlite3;

namespace symnas::store {

class SqliteStudyStore final : public StudyStore {
 public:
  SqliteStudyStore(const std::string& path, OpenMode mode);
  ~SqliteStudyStore() override;
  SqliteStudyStore(const SqliteStudyStore&) = delete;
  SqliteStudyStore& operator=(const SqliteStudyStore&) = delete;

  const std::string& location() const override { return path_; }
  void SaveConfig(const nlohmann::json& config) override;
  std::optional<nlohmann::json> LoadConfig() override;

  std::vector<search::TrialRecord> LoadTrials() override;
  std::vector<search::TrialRecord> LoadTrialsFrom(std::int64_t first_id) override;
  std::vector<search::SpaceEdit> LoadSpaceEdits() override;
  std::optional<nlohmann::json> LoadStrategyState() override;
  void BeginTrial(const search::TrialRecord& trial, const std::vector<search::SpaceEdit>& edits,
                  const nlohmann::json& strategy_state) override;
  void FinishTrial(const search::TrialRecord& trial, const std::vector<search::SpaceEdit>& edits,
                   const search::TrialAnnotations& annotations,
                   const nlohmann::json& strategy_state) override;
  void MarkInterrupted(std::int64_t trial_id, const std::string& error) override;
  void Exclusive(const std::function<void()>& work) override;
  std::int64_t StateVersion() override;
  void Heartbeat(std::int64_t trial_id, double unix_s) override;

  void RecordSpaceEdit(const search::SpaceEdit& edit) override;
  std::vector<DiagnosisRow> LoadDiagnoses() override;
  std::vector<ActionRow> LoadActions() override;
  std::vector<RuleWeightsRow> LoadRuleWeights() override;
  void PutValue(const std::string& key, const nlohmann::json& value) override;
  std::optional<nlohmann::json> GetValue(const std::string& key) override;
  StudySnapshot LoadSnapshot() override;
  std::string IntegrityCheck() override;
  void SaveWeights(std::int64_t trial_id, const std::string& format, const std::string& bytes,
                   int keep) override;
  std::optional<std::pair<std::string, std::string>> LoadWeights(std::int64_t trial_id) override;
  std::vector<std::int64_t> WeightTrialIds() override;

 private:
  void Exec(const std::string& sql);
  void CreateSchema();
  /// Rebuilds the trials table of a version-1 file with version 2's status CHECK.
  void MigrateTrialsToVersion2();
  /// Adds the worker columns (kWorkersSchemaVersion) to the trials table of an older file.
  void MigrateTrialsToVersion3();
  /// Runs, in version order, every migration past `from_version` (table in sqlite_store.cpp).
  void Migrate(int from_version);
  /// To kWeightsSchemaVersion: adds the weights table (kWeightsTableSql), sets that version.
  void MigrateAddWeightsTable();
  void CheckSchemaVersion();
  void InsertEdit(const search::SpaceEdit& edit);
  void InsertState(std::int64_t trial_id, const nlohmann::json& state);

  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex heartbeat_mutex_;
  sqlite3* heartbeat_db_ = nullptr;  ///< Heartbeat()'s own connection, opened on first use
};

}  // namespace symnas::store
