// Layer configurations -> cached timings in an SQLite table (the `lut` estimator's store).
#include "symnas/hw/layer_table.hpp"

#include <fmt/core.h>
#include <sqlite3.h>

#include "symnas/common/error.hpp"

namespace symnas::hw {

namespace {
// A prepared statement that finalizes itself.
struct Statement {
  sqlite3_stmt* stmt = nullptr;
  Statement(sqlite3* db, const char* sql, const std::string& path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      throw StoreError(std::string("cannot prepare statement: ") + sqlite3_errmsg(db), {path});
    }
  }
  ~Statement() { sqlite3_finalize(stmt); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  /// Binds a row's key, (config, timer), to parameters 1 and 2.
  void BindKey(const std::string& config, const std::string& timer) {
    sqlite3_bind_text(stmt, 1, config.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, timer.c_str(), -1, SQLITE_TRANSIENT);
  }
};
}  // namespace

std::string LayerConfigKey(const LayerSpec& l) {
  return fmt::format("{}|{}x{}x{}|{}x{}x{}|k{}|s{}|g{}|b{}|{}|n{}", LayerOpName(l.op),
                     l.in_channels, l.in_h, l.in_w, l.out_channels, l.out_h, l.out_w, l.kernel,
                     l.stride, l.groups, l.bias ? 1 : 0, l.activation, l.num_inputs);
}

LayerLatencyTable::LayerLatencyTable(const std::string& path) : path_(path) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open latency table: " + msg, {path});
  }
  Exec(
      "CREATE TABLE IF NOT EXISTS hw_layer_latency (config TEXT NOT NULL, timer TEXT NOT NULL, "
      "median_ms REAL NOT NULL, p10_ms REAL NOT NULL, p90_ms REAL NOT NULL, runs INTEGER NOT "
      "NULL, PRIMARY KEY (config, timer))");
}

LayerLatencyTable::~LayerLatencyTable() { sqlite3_close(db_); }

void LayerLatencyTable::Exec(const std::string& sql) const {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError("latency table: " + msg, {path_});
  }
}

std::optional<Timing> LayerLatencyTable::Find(const std::string& config,
                                              const std::string& timer) const {
  Statement s(db_,
              "SELECT median_ms, p10_ms, p90_ms, runs FROM hw_layer_latency WHERE config = ? AND "
              "timer = ?",
              path_);
  s.BindKey(config, timer);
  if (sqlite3_step(s.stmt) != SQLITE_ROW) return std::nullopt;
  Timing t;
  t.median_ms = sqlite3_column_double(s.stmt, 0);
  t.p10_ms = sqlite3_column_double(s.stmt, 1);
  t.p90_ms = sqlite3_column_double(s.stmt, 2);
  t.runs = sqlite3_column_int(s.stmt, 3);
  return t;
}

void LayerLatencyTable::Put(const std::string& config, const std::string& timer, const Timing& t) {
  Statement s(db_,
              "INSERT OR REPLACE INTO hw_layer_latency (config, timer, median_ms, p10_ms, p90_ms, "
              "runs) VALUES (?, ?, ?, ?, ?, ?)",
              path_);
  s.BindKey(config, timer);
  sqlite3_bind_double(s.stmt, 3, t.median_ms);
  sqlite3_bind_double(s.stmt, 4, t.p10_ms);
  sqlite3_bind_double(s.stmt, 5, t.p90_ms);
  sqlite3_bind_int(s.stmt, 6, t.runs);
  if (sqlite3_step(s.stmt) != SQLITE_DONE) {
    throw StoreError(std::string("cannot store layer latency: ") + sqlite3_errmsg(db_), {path_});
  }
}

int LayerLatencyTable::Size() const {
  Statement s(db_, "SELECT COUNT(*) FROM hw_layer_latency", path_);
  return sqlite3_step(s.stmt) == SQLITE_ROW ? sqlite3_column_int(s.stmt, 0) : 0;
}

}  // namespace symnas::hw
