// Statement and Transaction helpers over the SQLite C API.
#include "sqlite_util.hpp"

#include <fmt/core.h>

#include "symnas/common/error.hpp"

namespace symnas::store {

void Check(sqlite3* db, int rc, const std::string& what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    throw StoreUnavailableError(
        fmt::format("{}: the study file stayed locked by another writer "
                    "({}; database '{}')",
                    what, sqlite3_errstr(rc), file ? file : "?"));
  }
  throw StoreError(fmt::format("{}: {} (database '{}')", what,
                               db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), file ? file : "?"));
}

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db), sql_(sql) {
  Check(db_, sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt_, nullptr),
        "cannot prepare '" + sql + "'");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int i, const std::string& text) {
  Check(db_,
        sqlite3_bind_text(stmt_, i, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT),
        "bind");
  return *this;
}
Statement& Statement::Bind(int i, double value) {
  Check(db_, sqlite3_bind_double(stmt_, i, value), "bind");
  return *this;
}
Statement& Statement::Bind(int i, std::int64_t value) {
  Check(db_, sqlite3_bind_int64(stmt_, i, value), "bind");
  return *this;
}
Statement& Statement::BindNull(int i) {
  Check(db_, sqlite3_bind_null(stmt_, i), "bind");
  return *this;
}
Statement& Statement::BindBlob(int i, const std::string& bytes) {
  Check(db_, sqlite3_bind_blob64(stmt_, i, bytes.data(), bytes.size(), SQLITE_TRANSIENT), "bind");
  return *this;
}
Statement& Statement::Bind(int i, std::optional<double> value) {
  return value ? Bind(i, *value) : BindNull(i);
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  Check(db_, rc, "cannot run '" + sql_.substr(0, 60) + "'");
  return rc == SQLITE_ROW;
}

void Statement::Run() {
  while (Step()) {
  }
}

std::string Statement::Text(int c) const {
  const auto* p = sqlite3_column_text(stmt_, c);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)))
           : std::string();
}
std::string Statement::Blob(int c) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, c));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c)))
           : std::string();
}
double Statement::Double(int c) const { return sqlite3_column_double(stmt_, c); }
std::int64_t Statement::Int(int c) const { return sqlite3_column_int64(stmt_, c); }
bool Statement::IsNull(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }

Transaction::Transaction(sqlite3* db) : db_(db) {
  if (!sqlite3_get_autocommit(db_)) {  // inside an outer transaction: join it
    done_ = true;
    return;
  }
  Check(db_, sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
        "cannot begin a transaction");
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::Commit() {
  if (done_) return;
  Check(db_, sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr), "cannot commit");
  done_ = true;
}

}  // namespace symnas::store
