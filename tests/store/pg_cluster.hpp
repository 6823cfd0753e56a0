// A throwaway PostgreSQL cluster for the store tests: initdb into a temporary directory, a
// server listening only on a unix socket there (fsync off), one database; started on first use
// and stopped (immediate mode) and removed when the test program ends. As root, the server runs
// as the `postgres` system user (initdb and postgres refuse root). Without the server binaries
// (Debian package postgresql) the cluster reports itself unavailable and the tests skip.
#pragma once

#include <string>

namespace symnas::store::testing {

class PgCluster {
 public:
  /// The cluster of this test program, started on the first call.
  static PgCluster& Get();
  /// Stops the cluster if it was started (the global Environment's TearDown).
  static void StopIfStarted();

  bool ok() const { return ok_; }
  /// Why the cluster is unavailable (for GTEST_SKIP).
  const std::string& why_not() const { return why_not_; }
  /// postgresql://symnas@/DB?host=SOCKETDIR&study=STUDY
  std::string Url(const std::string& study, const std::string& database = "") const;
  /// A libpq conninfo URI for `database` (the test database when empty), without a study.
  std::string ConnInfo(const std::string& database = "") const;
  const std::string& socket_dir() const { return dir_; }
  /// Creates another database in the cluster (CREATE DATABASE); false on failure.
  bool CreateDatabase(const std::string& name) const;
  /// Stops the server (immediate mode: sessions cut like a crash) or starts it again, the data
  /// kept; true on success. For outage tests.
  bool StopServer() const;
  bool StartServer() const;
  /// Runs `sql` on `database` with a connection of its own; the first value of the first row
  /// ("" when none), or "ERROR: ..." on failure.
  std::string Query(const std::string& sql, const std::string& database = "") const;

 private:
  PgCluster();
  void Start();
  void Stop();
  void RemoveOrphans() const;
  /// Runs a server command line (as the postgres user when root); true on exit status 0.
  bool Run(const std::string& command) const;

  bool ok_ = false;
  bool started_ = false;
  std::string why_not_;
  std::string bin_;  ///< directory of initdb, pg_ctl
  std::string dir_;  ///< temporary directory: data/, the socket, log
  std::string db_ = "symnas_test";
};

}  // namespace symnas::store::testing
