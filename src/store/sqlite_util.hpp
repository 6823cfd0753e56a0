// Thin RAII helpers over the SQLite C API: prepared statements with typed binds and columns, and
// a transaction guard that rolls back unless committed. Every failure becomes a StoreError.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

namespace symnas::store {

/// Throws StoreError "<what>: <sqlite message> (<path>)" when rc is not OK/ROW/DONE.
void Check(sqlite3* db, int rc, const std::string& what);

/// A prepared statement; Bind* take 1-based indices.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, const std::string& text);
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::int64_t value);
  Statement& BindNull(int index);
  Statement& Bind(int index, std::optional<double> value);
  /// Binds bytes as a BLOB (Bind(std::string) binds TEXT).
  Statement& BindBlob(int index, const std::string& bytes);
  /// Steps once; true when a row is available.
  bool Step();
  /// Steps until done (for statements without results).
  void Run();

  std::string Text(int column) const;
  /// A BLOB (or TEXT) column's bytes.
  std::string Blob(int column) const;
  double Double(int column) const;
  std::int64_t Int(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

/// BEGIN IMMEDIATE on construction; ROLLBACK in the destructor unless Commit() was called.
/// Inside an open transaction it joins that one: Commit() and the destructor do nothing, and the
/// outer transaction decides.
class Transaction {
 public:
  explicit Transaction(sqlite3* db);
  ~Transaction();
  void Commit();

 private:
  sqlite3* db_;
  bool done_ = false;
};

}  // namespace symnas::store
