// Thin RAII helpers over libpq: a connection that knows how to reconnect, a result owner with
// typed columns, and text parameters (doubles exact: %.17g, Infinity, NaN). A failure becomes a
// StoreError; a broken connection (CONNECTION_BAD, SQLSTATE class 08, the server shutting the
// session down) a PgConnectionLost, which callers may retry after Reconnect().
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "symnas/common/error.hpp"

namespace symnas::store {

/// The connection to the server broke (the caller may reconnect and retry a whole call).
class PgConnectionLost : public StoreUnavailableError {
 public:
  explicit PgConnectionLost(std::string message) : StoreUnavailableError(std::move(message)) {}
};

/// Positional text parameters ($1, $2, ...) of one statement; nullopt is SQL NULL.
class PgParams {
 public:
  PgParams& Add(const std::string& text);
  PgParams& Add(const char* text) { return Add(std::string(text)); }
  PgParams& Add(std::int64_t value);
  PgParams& Add(int value) { return Add(std::int64_t{value}); }
  PgParams& Add(bool value) { return Add(std::int64_t{value ? 1 : 0}); }
  /// %.17g (exact round trip); +-inf and NaN as PostgreSQL spells them.
  PgParams& Add(double value);
  PgParams& AddNull();
  PgParams& Add(std::optional<double> value) { return value ? Add(*value) : AddNull(); }
  int size() const { return static_cast<int>(values_.size()); }
  /// Pointers into the stored values, for PQexecParams (valid while this object lives).
  std::vector<const char*> Pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

/// Formats a double for a text parameter (see PgParams::Add).
std::string PgDouble(double value);

/// Owns a PGresult; columns are 0-based, values in text format.
class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result) {}
  ~PgResult() { PQclear(result_); }
  PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  PgResult& operator=(PgResult&&) = delete;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int Rows() const { return PQntuples(result_); }
  bool IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }
  std::string Text(int row, int column) const;
  std::int64_t Int(int row, int column) const;
  /// Parses the server's float8 text (shortest exact form, Infinity, -Infinity, NaN).
  double Double(int row, int column) const;

 private:
  PGresult* result_;
};

/// One libpq connection. Connect() throws StoreError with what to fix (server not reachable,
/// authentication, database missing); Exec() throws PgConnectionLost when the connection broke
/// and StoreError for any other failure.
class PgConnection {
 public:
  /// `conninfo` is a libpq URI or key=value string; `location` is what errors name.
  PgConnection(std::string conninfo, std::string location);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  /// Statements run after every successful (re)connect (session settings).
  void set_session_sql(std::string sql) { session_sql_ = std::move(sql); }
  void Connect();
  /// Drops the connection and opens a new one (PgConnectionLost while the server is away).
  void Reconnect();
  bool Broken() const;
  PGconn* raw() const { return conn_; }

  /// Runs one statement (or, without params, several separated by ';').
  PgResult Exec(const std::string& sql, const PgParams& params = {});
  /// Runs a statement ignoring any failure (ROLLBACK in cleanup paths).
  void ExecQuietly(const std::string& sql) noexcept;

 private:
  std::string conninfo_;
  std::string location_;
  std::string session_sql_;
  PGconn* conn_ = nullptr;
};

}  // namespace symnas::store
