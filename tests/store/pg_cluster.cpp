// PgCluster: initdb, pg_ctl start/stop and createdb of the tests' throwaway cluster, and the
// GoogleTest global Environment that stops it at the end of the program.
#include "pg_cluster.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace symnas::store::testing {

namespace fs = std::filesystem;

namespace {

/// The newest /usr/lib/postgresql/N/bin holding initdb, else "" (initdb then from PATH).
std::string ServerBinDir() {
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    int version = std::atoi(name.c_str());
    if (version > best_version && fs::exists(entry.path() / "bin" / "initdb")) {
      best_version = version;
      best = (entry.path() / "bin").string();
    }
  }
  return best;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

PgCluster::PgCluster() = default;

PgCluster& PgCluster::Get() {
  static PgCluster* cluster = [] {
    auto* c = new PgCluster();
    c->Start();
    return c;
  }();
  return *cluster;
}

static PgCluster* g_started = nullptr;

void PgCluster::StopIfStarted() {
  if (g_started) g_started->Stop();
}

bool PgCluster::Run(const std::string& command) const {
  std::string line = command;
  if (::getuid() == 0) line = "runuser -u postgres -- " + line;
  line += " >>" + dir_ + "/commands.log 2>&1";
  return std::system(line.c_str()) == 0;
}

/// Stops and removes the clusters of test programs that died without their Environment's
/// TearDown (a crash, a kill): /tmp/symnas_pg_PID whose PID is gone.
void PgCluster::RemoveOrphans() const {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::temp_directory_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("symnas_pg_", 0) != 0) continue;
    const long pid = std::atol(name.c_str() + 10);
    if (pid <= 0 || pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0) continue;
    const std::string pg_ctl = bin_.empty() ? "pg_ctl" : bin_ + "/pg_ctl";
    std::string line = pg_ctl + " -D " + entry.path().string() + "/data -m immediate stop";
    if (::getuid() == 0) line = "runuser -u postgres -- " + line;
    if (fs::exists(entry.path() / "data" / "postmaster.pid")) {
      [[maybe_unused]] int rc = std::system((line + " >/dev/null 2>&1").c_str());
    }
    fs::remove_all(entry.path(), ec);
  }
}

void PgCluster::Start() {
  bin_ = ServerBinDir();
  const std::string initdb = bin_.empty() ? "initdb" : bin_ + "/initdb";
  if (bin_.empty() && std::system("command -v initdb >/dev/null 2>&1") != 0) {
    why_not_ =
        "the PostgreSQL server binaries (initdb, pg_ctl) are not installed: install the Debian "
        "package postgresql (scripts/setup.sh) to run the PostgreSQL store tests";
    return;
  }
  const std::string pg_ctl = bin_.empty() ? "pg_ctl" : bin_ + "/pg_ctl";
  RemoveOrphans();
  dir_ = (fs::temp_directory_path() / ("symnas_pg_" + std::to_string(::getpid()))).string();
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  if (::getuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (!pw) {
      why_not_ =
          "running as root and there is no `postgres` user to run the server as (the "
          "Debian package postgresql creates it)";
      return;
    }
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      why_not_ = "cannot give " + dir_ + " to the postgres user";
      return;
    }
  }
  fs::permissions(dir_, fs::perms::owner_all);
  const std::string data = dir_ + "/data";
  if (!Run(initdb + " -D " + data + " --auth=trust -U symnas -E UTF8 --no-sync")) {
    why_not_ = "initdb failed: " + ReadFile(dir_ + "/commands.log");
    return;
  }
  started_ = true;
  g_started = this;
  if (!StartServer()) {
    why_not_ =
        "pg_ctl start failed: " + ReadFile(dir_ + "/commands.log") + ReadFile(dir_ + "/server.log");
    return;
  }
  const std::string created = Query("CREATE DATABASE " + db_, "postgres");
  if (created.rfind("ERROR", 0) == 0) {
    why_not_ = "CREATE DATABASE failed: " + created;
    return;
  }
  ok_ = true;
}

bool PgCluster::StartServer() const {
  const std::string pg_ctl = bin_.empty() ? "pg_ctl" : bin_ + "/pg_ctl";
  // Durability off for speed, unless SYMNAS_TEST_PG_DURABLE=1 (to measure real commit costs).
  const char* durable = std::getenv("SYMNAS_TEST_PG_DURABLE");
  const bool fast = !durable || std::string(durable) != "1";
  const std::string options =
      "-c listen_addresses='' -c unix_socket_directories=" + dir_ +
      (fast ? " -c fsync=off -c full_page_writes=off -c synchronous_commit=off" : "");
  return Run(pg_ctl + " -D " + dir_ + "/data -l " + dir_ + "/server.log -o \"" + options +
             "\" -w -t 60 start");
}

bool PgCluster::StopServer() const {
  const std::string pg_ctl = bin_.empty() ? "pg_ctl" : bin_ + "/pg_ctl";
  return Run(pg_ctl + " -D " + dir_ + "/data -m immediate -w stop");
}

void PgCluster::Stop() {
  if (!started_) return;
  started_ = false;
  const std::string pg_ctl = bin_.empty() ? "pg_ctl" : bin_ + "/pg_ctl";
  Run(pg_ctl + " -D " + dir_ + "/data -m immediate -w stop");
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PgCluster::ConnInfo(const std::string& database) const {
  return "postgresql://symnas@/" + (database.empty() ? db_ : database) + "?host=" + dir_;
}

std::string PgCluster::Url(const std::string& study, const std::string& database) const {
  return ConnInfo(database) + "&study=" + study;
}

bool PgCluster::CreateDatabase(const std::string& name) const {
  return Query("CREATE DATABASE " + name, "postgres").rfind("ERROR", 0) != 0;
}

std::string PgCluster::Query(const std::string& sql, const std::string& database) const {
  PGconn* conn = PQconnectdb(ConnInfo(database).c_str());
  std::string out;
  if (PQstatus(conn) != CONNECTION_OK) {
    out = std::string("ERROR: ") + PQerrorMessage(conn);
  } else {
    PGresult* r = PQexec(conn, sql.c_str());
    const ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      out = std::string("ERROR: ") + PQresultErrorMessage(r);
    } else if (status == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0) {
      out = PQgetvalue(r, 0, 0);
    }
    PQclear(r);
  }
  PQfinish(conn);
  return out;
}

namespace {

class PgClusterEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { PgCluster::StopIfStarted(); }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new PgClusterEnvironment);

}  // namespace

}  // namespace symnas::store::testing
