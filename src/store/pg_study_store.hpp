// The PostgreSQL study store's class (private to src/store): its methods are defined in
// pg_store.cpp (opening, schema, transactions, heartbeats, integrity) and pg_rows.cpp (trials,
// edits, snapshots, tuner tables, key-value and weights rows); Call/Write retry a lost connection.
#pragma once

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "pg_store.hpp"
#include "pg_util.hpp"
#include "symnas/common/error.hpp"

namespace symnas::store {

/// Reconnect back-off: first wait, and the total time after which a call gives up.
inline constexpr double kPgFirstRetryDelayS = 0.5;
inline constexpr double kPgRetryBudgetS = 120.0;

/// The error of a call whose connection broke beyond retrying (inside Exclusive, during COMMIT,
/// or past the back-off): the store is out of reach for now and the call's transaction rolled
/// back whole (during COMMIT: its outcome unknown, which the driver's re-sync inside its next
/// Exclusive tolerates). Workers retry on this class.
[[noreturn]] inline void ThrowPgUnavailable(std::string message) {
  throw StoreUnavailableError(std::move(message));
}

/// Seconds since the Unix epoch (wall clock).
double PgNowUnixSeconds();

/// A study of a PostgreSQL database: a row of symnas_studies and the rows carrying its id.
class PgStudyStore final : public StudyStore {
 public:
  PgStudyStore(const PgStudyUrl& url, OpenMode mode);
  const std::string& location() const override { return url_.display; }
  void SaveConfig(const nlohmann::json& config) override;
  std::optional<nlohmann::json> LoadConfig() override;
  std::vector<search::TrialRecord> LoadTrials() override { return LoadTrialsFrom(0); }
  std::vector<search::TrialRecord> LoadTrialsFrom(std::int64_t first_id) override;
  std::vector<search::SpaceEdit> LoadSpaceEdits() override;
  std::optional<nlohmann::json> LoadStrategyState() override;
  void BeginTrial(const search::TrialRecord& trial, const std::vector<search::SpaceEdit>& edits,
                  const nlohmann::json& strategy_state) override;
  void FinishTrial(const search::TrialRecord& trial, const std::vector<search::SpaceEdit>& edits,
                   const search::TrialAnnotations& notes,
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
  void SaveWeights(std::int64_t trial_id, const std::string& format, const std::string& bytes,
                   int keep) override;
  std::optional<std::pair<std::string, std::string>> LoadWeights(std::int64_t trial_id) override;
  std::vector<std::int64_t> WeightTrialIds() override;
  std::string IntegrityCheck() override;

 private:
  /// Session settings: quiet notices; a lock waited for over a minute is a stuck worker, an
  /// error (SQLite's busy timeout); the server drops a dead worker's session (and the study lock
  /// it may hold) after ~2 min of TCP silence, the driver's default stale_after_s; a reader
  /// cannot write at all.
  std::string SessionSql() const;
  static std::string InsertTrialSql(bool upsert);
  void CreateSchemaAndStudy();
  void FindStudy();
  bool HasWeightsTable();
  static std::string HexOf(const std::string& bytes);
  static std::string BytesOfHex(const std::string& hex);
  void CheckVersion(const std::string& text) const;
  void InsertEdit(const search::SpaceEdit& e);
  void InsertState(std::int64_t trial_id, const nlohmann::json& state);
  /// Runs `f` (one statement or a whole transaction of the caller's): inside Exclusive() as part
  /// of its transaction, a lost connection then being a StoreError; otherwise a lost connection
  /// is reopened with back-off (0.5 s, doubling, ~2 min in all) and `f` run again.
  template <class F>
  auto Call(F&& f) -> decltype(f()) {
    if (depth_ > 0) {
      try {
        return f();
      } catch (const PgConnectionLost& e) {
        ThrowPgUnavailable(fmt::format(
            "study '{}': the connection to the server broke inside a study transaction, which "
            "is rolled back as a whole: {}",
            url_.display, e.message()));
      }
    }
    const auto start = std::chrono::steady_clock::now();
    double delay = kPgFirstRetryDelayS;
    bool reconnect = false;
    for (;;) {
      try {
        if (reconnect || conn_.Broken()) conn_.Reconnect();
        return f();
      } catch (const PgConnectionLost& e) {
        const double waited =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (waited >= kPgRetryBudgetS) {
          ThrowPgUnavailable(fmt::format(
              "study '{}': lost the connection to the server and could not reconnect within "
              "{:.0f} s; check that the server is up and reachable: {}",
              url_.display, waited, e.message()));
        }
        // Attempts at 0.5, 1.5, 3.5, ... 63.5 s and a last one at the end of the budget.
        std::this_thread::sleep_for(
            std::chrono::duration<double>(std::min(delay, kPgRetryBudgetS - waited)));
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

  void Commit();
  PgStudyUrl url_;
  bool read_only_;
  PgConnection conn_;
  std::int64_t study_id_ = -1;
  int depth_ = 0;  ///< > 0 inside Exclusive() (or LoadSnapshot's transaction)
  std::mutex heartbeat_mutex_;
  std::unique_ptr<PgConnection> heartbeat_conn_;  ///< Heartbeat()'s own, opened on first use
};

}  // namespace symnas::store
