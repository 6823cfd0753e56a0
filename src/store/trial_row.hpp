// A trial as a row of the trials table, shared by both backends: the columns in stored order,
// the row's values, and a trial read back through a backend's column accessors.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "symnas/search/trial.hpp"

namespace symnas::store {

/// The trials columns in stored order (the SQLite table; PostgreSQL's adds study_id first).
inline constexpr const char* kTrialColumns =
    "id, status, interrupted, seed, strategy, params_json, estimated_costs_json, accuracy, "
    "test_accuracy, score, feasible, violation, objective_vector_json, metrics_json, curves_json, "
    "details_json, error, wall_seconds, started_unix_s, finished_unix_s, requeued, rerun_of, "
    "worker, heartbeat_unix_s";
inline constexpr int kTrialColumnCount = 24;

/// One value of a row: NULL, an integer, a real or a text.
using Cell = std::variant<std::monostate, std::int64_t, double, std::string>;

/// The row of `trial`, kTrialColumnCount cells in kTrialColumns order. The objective columns
/// are NULL for a trial without one (running, failed, rejected).
std::vector<Cell> TrialToRow(const search::TrialRecord& trial);

/// The columns of one result row of `SELECT kTrialColumns`, 0-based, as a backend reads them.
class RowReader {
 public:
  virtual ~RowReader() = default;
  virtual bool IsNull(int column) const = 0;
  virtual std::int64_t Int(int column) const = 0;
  virtual double Double(int column) const = 0;
  virtual std::string Text(int column) const = 0;
};

/// The trial of a row; nlohmann::json::exception for malformed JSON columns (the backend turns
/// it into a StoreError naming the study).
search::TrialRecord TrialFromRow(const RowReader& row);

}  // namespace symnas::store
