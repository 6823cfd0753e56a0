// Kill-and-resume: runs `symnas search` (synthetic evaluator with a sleep) as a child process,
// kills it with SIGKILL twice mid-study, reruns the same command, and checks that completed
// trials are kept unchanged, the interrupted ones are marked and re-run, the study passes its
// integrity check, and the final trials equal those of an uninterrupted run. Then four workers
// on one study, one of them killed. Both on a SQLite file and on a study in the throwaway
// PostgreSQL cluster of pg_cluster.cpp.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "pg_cluster.hpp"
#include "symnas/store/study_store.hpp"

extern char** environ;

namespace symnas::store {
namespace {

namespace fs = std::filesystem;
using search::TrialRecord;
using search::TrialStatus;

#ifndef SYMNAS_BINARY
#define SYMNAS_BINARY ""
#endif

pid_t Spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/// Completed trials, read with a plain read-only connection while the child writes.
int CompletedSqliteTrials(const std::string& path) {
  sqlite3* db = nullptr;
  int count = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 1000);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM trials WHERE status = 'complete'", -1, &s,
                           nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
      count = sqlite3_column_int(s, 0);
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return count;
}

/// Completed trials of the study at `location` (a file or a PostgreSQL URL), read behind the
/// store's back while the child writes.
int CompletedTrials(const std::string& location) {
  if (!IsDatabaseUrl(location)) return CompletedSqliteTrials(location);
  const std::string study = location.substr(location.find("study=") + 6);
  const std::string n = testing::PgCluster::Get().Query(
      "SELECT COUNT(*) FROM symnas_trials WHERE status = 'complete' AND study_id = (SELECT id "
      "FROM symnas_studies WHERE name = '" +
      study + "')");
  return n.empty() || n.rfind("ERROR", 0) == 0 ? -1 : std::stoi(n);
}

/// The suites run on both backends: GetParam() is "sqlite" or "postgres".
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (std::string(SYMNAS_BINARY).empty()) GTEST_SKIP() << "the symnas binary is not built";
    if (Pg() && !testing::PgCluster::Get().ok())
      GTEST_SKIP() << testing::PgCluster::Get().why_not();
  }
  bool Pg() const { return GetParam() == "postgres"; }
  /// The study `name`: a file in `dir` or a study in the cluster's database.
  std::string Location(const fs::path& dir, const std::string& name) const {
    if (Pg()) return testing::PgCluster::Get().Url(name);
    return (dir / (name + ".db")).string();
  }
};

/// Kills the child with SIGKILL once `completed` trials are stored (plus a little, to land
/// inside the next trial's evaluation); returns the child's termination code.
int KillAfter(pid_t pid, const std::string& path, int completed) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (CompletedTrials(path) < completed && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill(pid, SIGKILL);
  return Wait(pid);
}

using KillResumeTest = BackendTest;

TEST_P(KillResumeTest, KilledSearchResumesWithoutLosingTrials) {
  const std::string binary = SYMNAS_BINARY;
  const fs::path dir =
      fs::temp_directory_path() / ("symnas_kill_" + GetParam() + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string config = (dir / "study.yaml").string();
  std::ofstream(config) << "name: kill\ntrials: 14\nseed: 3\nstrategy: bo\n"
                           "strategy_options: {initial_random: 3, acq_samples: 200}\n"
                           "objective: {kind: accuracy}\n"
                           "evaluator: {kind: synthetic, function: mixed, sleep_ms: 60}\n";
  const std::string db = Location(dir, "kill");
  const std::vector<std::string> command = {binary,    "search", "--config", config,
                                            "--study", db,       "--quiet"};

  pid_t pid = Spawn(command);
  ASSERT_GT(pid, 0);
  EXPECT_EQ(KillAfter(pid, db, 4), -SIGKILL);
  std::vector<TrialRecord> before;
  {
    auto store = StudyStore::Open(db);
    before = store->LoadTrials();
    EXPECT_EQ(store->IntegrityCheck(), "ok");
  }
  int running = 0;
  for (const auto& t : before) running += t.status == TrialStatus::kRunning;
  EXPECT_LE(running, 1);
  // Kill the resumed run too, then let a third run finish.
  pid = Spawn(command);
  ASSERT_GT(pid, 0);
  EXPECT_EQ(KillAfter(pid, db, 8), -SIGKILL);
  pid = Spawn(command);
  ASSERT_GT(pid, 0);
  ASSERT_EQ(Wait(pid), 0);

  auto store = StudyStore::Open(db);
  EXPECT_EQ(store->IntegrityCheck(), "ok");
  auto after = store->LoadTrials();
  // Every trial completed before the first kill is kept unchanged.
  for (const auto& t : before) {
    if (t.status != TrialStatus::kComplete) continue;
    EXPECT_EQ(search::TrialToJson(after.at(static_cast<std::size_t>(t.id))),
              search::TrialToJson(t));
  }
  std::vector<TrialRecord> counted;
  int interrupted = 0;
  for (const auto& t : after) {
    EXPECT_NE(t.status, TrialStatus::kRunning);
    if (t.interrupted) {
      ++interrupted;
      EXPECT_EQ(t.status, TrialStatus::kFailed);
      EXPECT_NE(t.result.error.find("interrupted"), std::string::npos);
      // The interrupted candidate is re-run as the next trial.
      ASSERT_LT(static_cast<std::size_t>(t.id + 1), after.size());
      EXPECT_EQ(after[static_cast<std::size_t>(t.id + 1)].params, t.params);
    } else {
      counted.push_back(t);
    }
  }
  EXPECT_EQ(counted.size(), 14u);
  EXPECT_GE(interrupted, 1);  // at least one kill landed inside an evaluation (60 ms of 60+ ms)

  // The same study run without interruption proposes exactly the same candidates.
  const std::string clean_db = Location(dir, "clean");
  pid = Spawn({binary, "search", "--config", config, "--study", clean_db, "--quiet"});
  ASSERT_EQ(Wait(pid), 0);
  auto clean = StudyStore::Open(clean_db)->LoadTrials();
  ASSERT_EQ(clean.size(), counted.size());
  for (std::size_t i = 0; i < clean.size(); ++i)
    EXPECT_EQ(counted[i].params, clean[i].params) << "trial " << i;
  fs::remove_all(dir);
}

/// The pid of a "host:pid" worker name.
pid_t WorkerPid(const std::string& worker) {
  return static_cast<pid_t>(std::stol(worker.substr(worker.rfind(':') + 1)));
}

// Four workers on one study file (`search --workers 4`: this process and three `symnas worker`
// children); one child is killed with SIGKILL inside a trial. The study must end with exactly
// the requested trials, none run twice, the killed trial recorded as interrupted and its
// candidate re-run once, trials of several workers overlapping in time, and a sound file.
using WorkersTest = BackendTest;

TEST_P(WorkersTest, FourWorkersOneKilledLoseAndRepeatNoTrial) {
  const std::string binary = SYMNAS_BINARY;
  const fs::path dir =
      fs::temp_directory_path() / ("symnas_workers_" + GetParam() + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string config = (dir / "study.yaml").string();
  std::ofstream(config) << "name: workers\ntrials: 16\nseed: 5\nstrategy: bo\n"
                           "strategy_options: {initial_random: 3, acq_samples: 200}\n"
                           "objective: {kind: accuracy}\n"
                           "evaluator: {kind: synthetic, function: mixed, sleep_ms: 250}\n";
  const std::string db = Location(dir, "workers");
  const pid_t parent =
      Spawn({binary, "search", "--config", config, "--study", db, "--workers", "4", "--quiet"});
  ASSERT_GT(parent, 0);
  // Wait for a running trial of a child worker after a few completed ones, and kill that child.
  std::int64_t killed_trial = -1;
  std::string killed_worker;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (killed_trial < 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if ((!Pg() && !fs::exists(db)) || CompletedTrials(db) < 3) continue;
    std::vector<TrialRecord> trials;
    try {
      trials = StudyStore::Open(db, OpenMode::kReadOnly)->LoadTrials();
    } catch (const std::exception&) {
      continue;  // the schema is being created
    }
    for (const auto& t : trials) {
      if (t.status != TrialStatus::kRunning || t.worker.empty()) continue;
      if (WorkerPid(t.worker) == parent) continue;
      ASSERT_EQ(kill(WorkerPid(t.worker), SIGKILL), 0);  // a few ms into its 250 ms evaluation
      killed_trial = t.id;
      killed_worker = t.worker;
      break;
    }
  }
  ASSERT_GE(killed_trial, 0) << "no child worker was seen running a trial";
  // The study finishes; the search reports the killed worker (exit 1).
  EXPECT_EQ(Wait(parent), 1);

  auto store = StudyStore::Open(db);
  EXPECT_EQ(store->IntegrityCheck(), "ok");
  const auto trials = store->LoadTrials();
  std::vector<TrialRecord> counted;
  std::set<std::string> workers;
  std::set<std::string> candidates;
  int reruns_of_killed = 0;
  for (const auto& t : trials) {
    EXPECT_NE(t.status, TrialStatus::kRunning) << "trial " << t.id;
    workers.insert(t.worker);
    if (t.rerun_of == killed_trial) {
      ++reruns_of_killed;
      EXPECT_EQ(t.params, trials.at(static_cast<std::size_t>(killed_trial)).params);
      EXPECT_EQ(t.seed, trials.at(static_cast<std::size_t>(killed_trial)).seed);
    }
    if (t.interrupted) {
      EXPECT_EQ(t.worker, killed_worker) << "only the killed worker's trial was interrupted";
      EXPECT_FALSE(t.requeued) << "its candidate was re-run";
      continue;
    }
    counted.push_back(t);
    // No candidate is evaluated twice (BO is told the pending ones), except the re-run.
    if (t.rerun_of < 0) {
      EXPECT_TRUE(candidates.insert(search::ParamsToJson(t.params).dump()).second)
          << "trial " << t.id << " repeats a candidate";
    }
  }
  const TrialRecord& killed = trials.at(static_cast<std::size_t>(killed_trial));
  EXPECT_TRUE(killed.interrupted);
  EXPECT_EQ(killed.status, TrialStatus::kFailed);
  EXPECT_NE(killed.result.error.find("interrupted"), std::string::npos) << killed.result.error;
  EXPECT_EQ(reruns_of_killed, 1);
  EXPECT_EQ(counted.size(), 16u);
  EXPECT_EQ(search::CountFinished(trials), 16);
  EXPECT_GE(workers.size(), 3u);  // the work was shared
  // Trials of different workers ran at the same time.
  bool overlap = false;
  for (const auto& a : counted) {
    for (const auto& b : counted) {
      overlap = overlap || (a.worker != b.worker && a.started_unix_s < b.finished_unix_s &&
                            b.started_unix_s < a.finished_unix_s);
    }
  }
  EXPECT_TRUE(overlap);
  fs::remove_all(dir);
}

const auto kBackendName = [](const ::testing::TestParamInfo<std::string>& p) { return p.param; };
INSTANTIATE_TEST_SUITE_P(Backends, KillResumeTest, ::testing::Values("sqlite", "postgres"),
                         kBackendName);
INSTANTIATE_TEST_SUITE_P(Backends, WorkersTest, ::testing::Values("sqlite", "postgres"),
                         kBackendName);

}  // namespace
}  // namespace symnas::store
