// PgParams, PgResult and PgConnection over libpq.
#include "pg_util.hpp"

#include <fmt/core.h>

#include <cmath>
#include <cstdlib>

namespace symnas::store {

namespace {

void IgnoreNotice(void*, const char*) {}

/// The first line of a libpq message, trimmed (libpq appends hints on further lines).
std::string Trimmed(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  for (auto& c : m) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return m;
}

bool Contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

}  // namespace

PgParams& PgParams::Add(const std::string& text) {
  values_.emplace_back(text);
  return *this;
}
PgParams& PgParams::Add(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}
PgParams& PgParams::Add(double value) {
  values_.emplace_back(PgDouble(value));
  return *this;
}
PgParams& PgParams::AddNull() {
  values_.emplace_back(std::nullopt);
  return *this;
}

std::vector<const char*> PgParams::Pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
  return out;
}

std::string PgDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{:.17g}", value);
}

std::string PgResult::Text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column),
                     static_cast<std::size_t>(PQgetlength(result_, row, column)));
}

std::int64_t PgResult::Int(int row, int column) const {
  return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10);
}

double PgResult::Double(int row, int column) const {
  // glibc's strtod reads "Infinity", "-Infinity" and "NaN" as well as decimal forms.
  return std::strtod(PQgetvalue(result_, row, column), nullptr);
}

PgConnection::PgConnection(std::string conninfo, std::string location)
    : conninfo_(std::move(conninfo)), location_(std::move(location)) {}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

bool PgConnection::Broken() const { return !conn_ || PQstatus(conn_) != CONNECTION_OK; }

void PgConnection::Connect() {
  if (conn_) PQfinish(conn_);
  conn_ = PQconnectdb(conninfo_.c_str());
  if (!conn_) throw StoreError(fmt::format("study '{}': out of memory connecting", location_));
  if (PQstatus(conn_) == CONNECTION_OK) {
    PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
    if (!session_sql_.empty()) Exec(session_sql_);
    return;
  }
  const std::string message = Trimmed(PQerrorMessage(conn_));
  const std::string host = PQhost(conn_) ? PQhost(conn_) : "";
  const std::string port = PQport(conn_) ? PQport(conn_) : "";
  const std::string user = PQuser(conn_) ? PQuser(conn_) : "";
  const std::string db = PQdb(conn_) ? PQdb(conn_) : "";
  PQfinish(conn_);
  conn_ = nullptr;
  std::string fix;
  if (Contains(message, "database") && Contains(message, "does not exist")) {
    fix = fmt::format(
        "the database '{}' does not exist; create it (createdb {}) or name an "
        "existing one in the URL",
        db, db);
  } else if (Contains(message, "authentication failed") || Contains(message, "no password") ||
             Contains(message, "password") || Contains(message, "pg_hba.conf")) {
    fix = fmt::format(
        "authentication failed for user '{}'; check the user and password in the "
        "URL (or ~/.pgpass) and the server's pg_hba.conf",
        user);
  } else if (Contains(message, "role") && Contains(message, "does not exist")) {
    fix = fmt::format(
        "the user '{}' does not exist on the server; create it (createuser {}) or "
        "name another user in the URL",
        user, user);
  } else {
    const bool socket = !host.empty() && host[0] == '/';
    fix = socket ? fmt::format(
                       "the PostgreSQL server is not reachable on the unix socket in '{}' "
                       "(port {}); start it or fix host= in the URL",
                       host, port)
                 : fmt::format(
                       "the PostgreSQL server at {}:{} is not reachable; start it, or fix "
                       "the host and port in the URL",
                       host.empty() ? "localhost" : host, port);
  }
  throw StoreError(fmt::format("cannot open study '{}': {} ({})", location_, fix, message));
}

void PgConnection::Reconnect() {
  try {
    Connect();
  } catch (const StoreError& e) {
    throw PgConnectionLost(e.message());
  }
}

PgResult PgConnection::Exec(const std::string& sql, const PgParams& params) {
  if (Broken()) {
    throw PgConnectionLost(
        fmt::format("study '{}': the connection to the server is closed", location_));
  }
  PGresult* raw = nullptr;
  if (params.size() == 0) {
    raw = PQexec(conn_, sql.c_str());
  } else {
    const auto values = params.Pointers();
    raw = PQexecParams(conn_, sql.c_str(), params.size(), nullptr, values.data(), nullptr, nullptr,
                       0);
  }
  PgResult result(raw);
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  const std::string message = Trimmed(raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_));
  // Class 08: connection exceptions; 57P01..57P03: the server shut the session down; no
  // SQLSTATE: libpq's own failure ("server closed the connection unexpectedly", which does not
  // always mark the connection bad at once).
  const bool lost = PQstatus(conn_) == CONNECTION_BAD || sqlstate.empty() ||
                    sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
                    sqlstate == "57P03";
  const std::string text =
      fmt::format("study '{}': SQL failed: {} [{}] ({})", location_, message,
                  sqlstate.empty() ? "no SQLSTATE" : sqlstate, sql.substr(0, 60));
  if (lost) throw PgConnectionLost(text);
  // A lock waited for beyond lock_timeout, a serialisation failure, a deadlock: the transaction
  // is rolled back whole and a later attempt may succeed (SQLite's SQLITE_BUSY).
  if (sqlstate == "55P03" || sqlstate == "40001" || sqlstate == "40P01") {
    throw StoreUnavailableError(text);
  }
  throw StoreError(text);
}

void PgConnection::ExecQuietly(const std::string& sql) noexcept {
  if (Broken()) return;
  PQclear(PQexec(conn_, sql.c_str()));
}

}  // namespace symnas::store
