// Tests of the study store. The conformance suite runs on both backends (a SQLite file, and a
// study in a throwaway PostgreSQL cluster started by pg_cluster.cpp): every field round-trips,
// edits replay in order, only the latest strategy snapshot is kept, tuner tables, dense ids,
// export, a crash-and-resume through the driver that equals an uninterrupted study, interrupted
// and requeued trials, state versions, heartbeats from a second thread, Exclusive's rollback and
// read-only opening. Then checks of one backend: SQLite's WAL, schema versioning and migration,
// foreign files; PostgreSQL's URLs, error messages, lost connections and concurrent creation.
#include "symnas/store/study_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "../../src/store/pg_store.hpp"
#include "../../src/store/schema.sql.hpp"
#include "../search/crashing_evaluator.hpp"
#include "pg_cluster.hpp"
#include "symnas/common/error.hpp"
#include "symnas/search/synthetic.hpp"
#include "symnas/strategies/table.hpp"

namespace symnas::store {
namespace {

namespace fs = std::filesystem;
using namespace symnas::search;
using testing::PgCluster;

std::string TestName() {
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

/// A temporary directory per test (SQLite files; the PostgreSQL tests use studies).
class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("symnas_store_" + std::to_string(::getpid()) + "_" + TestName());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

/// The conformance suite: GetParam() is "sqlite" or "postgres".
class StoreConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (Pg()) {
      auto& cluster = PgCluster::Get();
      if (!cluster.ok()) GTEST_SKIP() << cluster.why_not();
    }
    dir_ = fs::temp_directory_path() /
           ("symnas_store_" + std::to_string(::getpid()) + "_" + TestName());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  bool Pg() const { return GetParam() == "postgres"; }
  /// A study location named `name`, unique to this test: a file or a study in the database.
  std::string Location(const std::string& name) const {
    if (Pg()) return PgCluster::Get().Url(StudyName(name));
    return (dir_ / (name + ".db")).string();
  }
  std::string StudyName(const std::string& name) const { return TestName() + "_" + name; }
  /// Rows of `table` (the SQLite name) of the study `name`, read behind the store's back.
  std::int64_t CountRows(const std::string& name, const std::string& table) const {
    if (Pg()) {
      const std::string n =
          PgCluster::Get().Query("SELECT COUNT(*) FROM symnas_" + table +
                                 " WHERE study_id = (SELECT id FROM symnas_studies WHERE name = '" +
                                 StudyName(name) + "')");
      return std::stoll(n);
    }
    sqlite3* db = nullptr;
    std::int64_t n = -1;
    if (sqlite3_open_v2(Location(name).c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(db, ("SELECT COUNT(*) FROM " + table).c_str(), -1, &s, nullptr) ==
              SQLITE_OK &&
          sqlite3_step(s) == SQLITE_ROW) {
        n = sqlite3_column_int64(s, 0);
      }
      sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return n;
  }
  fs::path dir_;
};

TrialRecord FullTrial() {
  TrialRecord t;
  t.id = 0;
  t.params = {
      {"filters_0", std::int64_t{32}}, {"learning_rate", 1e-3}, {"optimizer", std::string("adam")}};
  t.status = TrialStatus::kComplete;
  t.seed = 18446744073709551557ULL;  // above INT64_MAX: stored as text
  t.strategy = "bo";
  t.estimated_costs = {{"flops", 3.8e7}, {"params", 1.2e5}};
  t.result.status = TrialStatus::kComplete;
  t.result.accuracy = 0.875;
  t.result.test_accuracy = 0.86;
  t.result.metrics = {{"flops", 3.8e7}, {"latency_ms", 1.25}};
  t.result.curves.train_loss = {1.0, 0.5};
  t.result.curves.val_acc = {0.7, 0.875};
  t.result.wall_seconds = 12.5;
  t.result.details = {{"arch", {{"layers", 7}}}, {"epochs_run", 2}};
  t.objective = {0.875, false, 0.25, {-0.875, 3.8e7}};
  t.started_unix_s = 1.7e9 + 0.123456789;
  t.finished_unix_s = 1.7e9 + 12.5;
  t.worker = "host-a:4242";
  t.heartbeat_unix_s = 1.7e9 + 3.0625;
  return t;
}

TrialRecord FailedTrial(std::int64_t id) {
  TrialRecord failed;
  failed.id = id;
  failed.params = {{"filters_0", std::int64_t{16}}};
  failed.status = failed.result.status = TrialStatus::kFailed;
  failed.result.error = "ArchError: the map shrinks, \"badly\"";
  return failed;
}

TEST_P(StoreConformance, TrialRoundTripsEveryField) {
  auto store = StudyStore::Open(Location("s"));
  TrialRecord running = FullTrial();
  running.status = TrialStatus::kRunning;
  store->BeginTrial(running, {}, {{"kind", "bo"}});
  ASSERT_EQ(store->LoadTrials().size(), 1u);
  EXPECT_EQ(store->LoadTrials()[0].status, TrialStatus::kRunning);
  TrialRecord done = FullTrial();
  done.result.accuracy = 0.1 + 0.2;  // not exactly representable in few digits
  done.objective.violation = 1.0 / 3.0;
  done.result.wall_seconds = 5e-324;  // the smallest subnormal
  store->FinishTrial(done, {}, {}, {{"kind", "bo"}, {"n", 1}});
  auto back = store->LoadTrials().at(0);
  EXPECT_EQ(TrialToJson(back), TrialToJson(done));
  EXPECT_EQ(back.seed, done.seed);
  EXPECT_EQ(back.worker, "host-a:4242");
  EXPECT_EQ(back.heartbeat_unix_s, done.heartbeat_unix_s);
  // A failed trial keeps its error and has no score.
  TrialRecord failed = FailedTrial(1);
  store->BeginTrial(failed, {}, {});
  store->FinishTrial(failed, {}, {}, {});
  auto f = store->LoadTrials().at(1);
  EXPECT_EQ(f.result.error, failed.result.error);
  EXPECT_FALSE(std::isfinite(f.objective.score));
  // Infinite scores and accuracies round-trip exactly.
  TrialRecord inf = FullTrial();
  inf.id = 2;
  inf.objective.score = std::numeric_limits<double>::infinity();
  inf.result.accuracy = -std::numeric_limits<double>::infinity();
  store->BeginTrial(inf, {}, {});
  store->FinishTrial(inf, {}, {}, {});
  auto i = store->LoadTrials().at(2);
  EXPECT_EQ(i.objective.score, std::numeric_limits<double>::infinity());
  EXPECT_EQ(i.result.accuracy, -std::numeric_limits<double>::infinity());
  if (Pg()) {
    // SQLite stores a NaN REAL as NULL (so its score reads back as -inf); PostgreSQL keeps it.
    TrialRecord nan = FullTrial();
    nan.id = 3;
    nan.objective.score = std::numeric_limits<double>::quiet_NaN();
    store->BeginTrial(nan, {}, {});
    store->FinishTrial(nan, {}, {}, {});
    EXPECT_TRUE(std::isnan(store->LoadTrials().at(3).objective.score));
  }
  // Ids must be dense.
  TrialRecord gap = FailedTrial(7);
  try {
    store->BeginTrial(gap, {}, {});
    FAIL() << "a gap in the ids was accepted";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("trial id 7 is not the next id"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(store->IntegrityCheck(), "ok");
}

TEST_P(StoreConformance, RejectedAndPrunedTrialsKeepTheirStatus) {
  auto store = StudyStore::Open(Location("s"));
  TrialRecord rejected = FailedTrial(0);
  rejected.status = rejected.result.status = TrialStatus::kRejected;
  store->BeginTrial(rejected, {}, {});
  store->FinishTrial(rejected, {}, {}, {});
  TrialRecord pruned = FullTrial();
  pruned.id = 1;
  pruned.status = pruned.result.status = TrialStatus::kPruned;
  store->BeginTrial(pruned, {}, {});
  store->FinishTrial(pruned, {}, {}, {});
  auto trials = store->LoadTrials();
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[0].status, TrialStatus::kRejected);
  EXPECT_EQ(trials[1].status, TrialStatus::kPruned);
  EXPECT_EQ(TrialToJson(trials[1]), TrialToJson(pruned));
  EXPECT_EQ(store->IntegrityCheck(), "ok");
}

TEST_P(StoreConformance, EditsSnapshotsAnnotationsAndValuesPersist) {
  SpaceEdit add = SpaceEdit::Add(Dimension::Real("weight_decay", 1e-6, 0.1, 1e-4, Scale::kLog),
                                 Value{1e-6}, {"reg_l2", 0, "overfitting"});
  SpaceEdit shrink =
      SpaceEdit::Bounds(SpaceEditKind::kShrinkBounds, "filters_0", 16, 32, {"dec_filters", 1, ""});
  {
    auto store = StudyStore::Open(Location("s"));
    store->SaveConfig({{"name", "x"}, {"trials", 3}});
    TrialRecord t = FullTrial();
    t.status = TrialStatus::kRunning;
    store->BeginTrial(t, {add}, {{"step", 1}});
    TrialAnnotations notes;
    notes.diagnoses = {{"overfitting", 0.8, {{"gap", 0.25}}}, {"thr_exceeded", 1.0, {}}};
    notes.actions = {{"reg_l2", 0.99, true, {}}, {"inc_dropout", 0.4, false, {}}};
    notes.rule_weights = {{"r1", 0.7}, {"r2", 0.3}};
    store->FinishTrial(FullTrial(), {shrink}, notes, {{"step", 2}});
    store->PutValue("tuner", {{"lacc", 0.15}});
    store->PutValue("tuner", {{"lacc", 0.25}});  // replaced
  }
  auto store = StudyStore::Open(Location("s"));  // reopen
  EXPECT_EQ(store->LoadConfig()->at("name"), "x");
  auto edits = store->LoadSpaceEdits();
  ASSERT_EQ(edits.size(), 2u);
  EXPECT_EQ(edits[0].ToJson(), add.ToJson());
  EXPECT_EQ(edits[1].ToJson(), shrink.ToJson());
  EXPECT_EQ(store->LoadStrategyState()->at("step"), 2);
  auto diagnoses = store->LoadDiagnoses();
  ASSERT_EQ(diagnoses.size(), 2u);
  EXPECT_EQ(diagnoses[0].diagnosis.problem, "overfitting");
  EXPECT_DOUBLE_EQ(diagnoses[0].diagnosis.probability, 0.8);
  EXPECT_EQ(diagnoses[0].diagnosis.details.at("gap"), 0.25);
  auto actions = store->LoadActions();
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_TRUE(actions[0].action.applied);
  EXPECT_FALSE(actions[1].action.applied);
  auto weights = store->LoadRuleWeights();
  ASSERT_EQ(weights.size(), 1u);
  EXPECT_DOUBLE_EQ(weights[0].weights.at("r2"), 0.3);
  EXPECT_EQ(store->GetValue("tuner")->at("lacc"), 0.25);
  EXPECT_FALSE(store->GetValue("missing"));
  // A user edit outside a trial is appended in order.
  store->RecordSpaceEdit(SpaceEdit::Remove("weight_decay", {"user", -1, ""}));
  EXPECT_EQ(store->LoadSpaceEdits().size(), 3u);
  // Only the latest snapshot row is kept.
  EXPECT_EQ(CountRows("s", "strategy_states"), 1);
  // The snapshot holds the same.
  StudySnapshot snap = store->LoadSnapshot();
  EXPECT_EQ(snap.config->at("name"), "x");
  EXPECT_EQ(snap.trials.size(), 1u);
  EXPECT_EQ(snap.edits.size(), 3u);
  EXPECT_EQ(snap.diagnoses.size(), 2u);
  EXPECT_EQ(snap.actions.size(), 2u);
  EXPECT_EQ(snap.rule_weights.size(), 1u);
  EXPECT_EQ(store->IntegrityCheck(), "ok");
}

TEST_P(StoreConformance, CsvAndJsonExport) {
  auto store = StudyStore::Open(Location("s"));
  store->SaveConfig({{"name", "x"}});
  TrialRecord t = FullTrial();
  store->BeginTrial(t, {}, {});
  store->FinishTrial(t, {}, {}, {});
  TrialRecord failed;
  failed.id = 1;
  failed.params = {{"optimizer", std::string("sgd, momentum")}};
  failed.status = failed.result.status = TrialStatus::kFailed;
  failed.result.error = "bad \"thing\"";
  store->BeginTrial(failed, {}, {});
  store->FinishTrial(failed, {}, {}, {});
  std::string csv = TrialsToCsv(store->LoadTrials());
  std::istringstream lines(csv);
  std::string header, row0, row1;
  std::getline(lines, header);
  std::getline(lines, row0);
  std::getline(lines, row1);
  EXPECT_EQ(header,
            "id,status,interrupted,strategy,seed,score,feasible,violation,accuracy,test_accuracy,"
            "wall_seconds,error,param.filters_0,param.learning_rate,param.optimizer,metric.flops,"
            "metric.latency_ms");
  EXPECT_EQ(row0.substr(0, 45), "0,complete,0,bo,18446744073709551557,0.875,0,");
  EXPECT_NE(row1.find("\"bad \"\"thing\"\"\""), std::string::npos) << row1;
  EXPECT_NE(row1.find("\"sgd, momentum\""), std::string::npos) << row1;
  nlohmann::json j = StudyToJson(*store);
  EXPECT_EQ(j["trials"].size(), 2u);
  EXPECT_EQ(j["config"]["name"], "x");
  EXPECT_EQ(j["schema_version"], kSchemaVersion);
}

StudyOutcome RunStudy(Evaluator& eval, StudyRecorder& rec, const std::string& strategy) {
  static auto objective = MakeObjective({{"kind", "seed000"}, {"flops_threshold", 5e7}});
  DriverOptions o;
  o.trials = 10;
  o.seed = 4;
  BudgetCheck budget = MakeBudgetCheck(eval, objective->Constraints());
  nlohmann::json options = strategy == "bo"
                               ? nlohmann::json{{"initial_random", 3}, {"acq_samples", 200}}
                               : nlohmann::json::object();
  Driver d(
      Seed000Space(),
      [&](const SearchSpace& s) {
        return strategies::MakeStrategy(strategy, {s, 4, options, budget, {}, {}, {}});
      },
      eval, *objective, rec, o);
  return d.Run();
}

TEST_P(StoreConformance, CrashedStudyResumesFromTheStoreLikeAnUninterruptedOne) {
  for (const std::string strategy : {"bo", "morphism"}) {
    SyntheticEvaluator eval(std::string("cnn_proxy"));
    MemoryRecorder clean;
    auto reference = RunStudy(eval, clean, strategy);
    const std::string location = Location(strategy);
    {
      auto store = StudyStore::Open(location);
      CrashingEvaluator crash(eval, 6);
      EXPECT_THROW(RunStudy(crash, *store, strategy), int);
    }
    auto store = StudyStore::Open(location);
    auto resumed = RunStudy(eval, *store, strategy);
    EXPECT_EQ(resumed.interrupted_trials, 1);
    auto stored = store->LoadTrials();
    ASSERT_EQ(stored.size(), 11u);
    EXPECT_TRUE(stored[6].interrupted);
    EXPECT_EQ(stored[6].status, TrialStatus::kFailed);
    EXPECT_FALSE(stored[6].requeued);  // re-run by trial 7
    EXPECT_EQ(stored[7].rerun_of, 6);
    std::vector<TrialRecord> counted;
    for (const auto& t : stored) {
      if (!t.interrupted) counted.push_back(t);
    }
    ASSERT_EQ(counted.size(), reference.trials.size());
    for (std::size_t i = 0; i < counted.size(); ++i) {
      EXPECT_EQ(counted[i].params, reference.trials[i].params) << strategy << " trial " << i;
    }
    EXPECT_EQ(store->LoadSpaceEdits().size(), clean.LoadSpaceEdits().size());
    EXPECT_EQ(store->IntegrityCheck(), "ok");
  }
}

TEST_P(StoreConformance, MarkInterruptedRequeuesAndARerunClearsIt) {
  auto store = StudyStore::Open(Location("s"));
  TrialRecord t = FullTrial();
  t.status = t.result.status = TrialStatus::kRunning;
  store->BeginTrial(t, {}, {});
  store->MarkInterrupted(0, "interrupted: its worker host-a:4242 is gone");
  auto marked = store->LoadTrials().at(0);
  EXPECT_EQ(marked.status, TrialStatus::kFailed);
  EXPECT_TRUE(marked.interrupted);
  EXPECT_TRUE(marked.requeued);
  EXPECT_EQ(marked.result.error, "interrupted: its worker host-a:4242 is gone");
  // A trial that is no longer running is left as it is.
  store->MarkInterrupted(0, "again");
  EXPECT_EQ(store->LoadTrials().at(0).result.error, marked.result.error);
  TrialRecord done = FullTrial();
  done.id = 1;
  store->BeginTrial(done, {}, {});
  store->FinishTrial(done, {}, {}, {});
  store->MarkInterrupted(1, "late");
  EXPECT_EQ(TrialToJson(store->LoadTrials().at(1)), TrialToJson(done));
  // The re-run clears the flag of the trial it re-runs.
  TrialRecord rerun = FullTrial();
  rerun.id = 2;
  rerun.status = TrialStatus::kRunning;
  rerun.rerun_of = 0;
  store->BeginTrial(rerun, {}, {});
  auto trials = store->LoadTrials();
  EXPECT_FALSE(trials.at(0).requeued);
  EXPECT_TRUE(trials.at(0).interrupted);
  EXPECT_EQ(trials.at(2).rerun_of, 0);
  EXPECT_EQ(store->IntegrityCheck(), "ok");
}

TEST_P(StoreConformance, StateVersionGrowsWithEveryRecordedSnapshot) {
  auto store = StudyStore::Open(Location("s"));
  EXPECT_EQ(store->StateVersion(), 0);
  EXPECT_FALSE(store->LoadStrategyState());
  std::int64_t last = 0;
  const int n = 20;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    TrialRecord t = FullTrial();
    t.id = i;
    t.status = TrialStatus::kRunning;
    store->BeginTrial(t, {}, {{"after_begin", i}});
    const std::int64_t begun = store->StateVersion();
    EXPECT_GT(begun, last);
    t.status = t.result.status = TrialStatus::kComplete;
    store->FinishTrial(t, {}, {}, {{"after_finish", i}});
    last = store->StateVersion();
    EXPECT_GT(last, begun);
  }
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ measure  ] " << GetParam() << ": BeginTrial+StateVersion+FinishTrial+"
            << "StateVersion " << ms / n << " ms per trial\n";
  EXPECT_EQ(store->LoadStrategyState()->at("after_finish"), n - 1);
  // Reopening sees the same version; reading never changes it.
  store = StudyStore::Open(Location("s"));
  EXPECT_EQ(store->StateVersion(), last);
  store->LoadTrials();
  store->PutValue("k", 1);
  EXPECT_EQ(store->StateVersion(), last);
}

TEST_P(StoreConformance, LoadTrialsFromReturnsTheTail) {
  auto store = StudyStore::Open(Location("s"));
  for (int i = 0; i < 5; ++i) {
    TrialRecord t = FailedTrial(i);
    store->BeginTrial(t, {}, {});
    store->FinishTrial(t, {}, {}, {});
  }
  auto tail = store->LoadTrialsFrom(3);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].id, 3);
  EXPECT_EQ(tail[1].id, 4);
  EXPECT_EQ(store->LoadTrialsFrom(0).size(), 5u);
  EXPECT_TRUE(store->LoadTrialsFrom(5).empty());
}

TEST_P(StoreConformance, HeartbeatFromASecondThreadWhileTheMainThreadReads) {
  auto store = StudyStore::Open(Location("s"));
  TrialRecord t = FullTrial();
  t.status = TrialStatus::kRunning;
  t.heartbeat_unix_s = 0;
  store->BeginTrial(t, {}, {});
  std::atomic<bool> stop{false};
  std::atomic<int> beats{0};
  std::atomic<int> beat_errors{0};
  std::thread beater([&] {
    for (int i = 1; i <= 40 && !stop; ++i) {
      try {
        store->Heartbeat(0, 1.8e9 + i);
        ++beats;
      } catch (const std::exception&) {
        ++beat_errors;
      }
    }
  });
  int reads = 0;
  double seen = 0;
  while (beats < 40 && reads < 100000) {
    auto trials = store->LoadTrials();
    ASSERT_EQ(trials.size(), 1u);
    EXPECT_GE(trials[0].heartbeat_unix_s, seen);  // never goes back
    seen = trials[0].heartbeat_unix_s;
    ++reads;
    if (beat_errors > 0) break;
  }
  stop = true;
  beater.join();
  EXPECT_EQ(beat_errors, 0);
  EXPECT_EQ(store->LoadTrials()[0].heartbeat_unix_s, 1.8e9 + 40);
  // A finished trial takes no more heartbeats.
  store->FinishTrial(FullTrial(), {}, {}, {});
  store->Heartbeat(0, 1.9e9);
  EXPECT_EQ(store->LoadTrials()[0].heartbeat_unix_s, FullTrial().heartbeat_unix_s);
}

TEST_P(StoreConformance, ExclusiveRollsBackEverythingOnAnException) {
  auto store = StudyStore::Open(Location("s"));
  store->PutValue("k", "before");
  TrialRecord t = FullTrial();
  t.status = TrialStatus::kRunning;
  EXPECT_THROW(store->Exclusive([&] {
    store->BeginTrial(t, {SpaceEdit::Remove("filters_0", {"x", 0, ""})}, {{"s", 1}});
    store->PutValue("k", "inside");
    store->SaveConfig({{"name", "inside"}});
    store->Exclusive([&] { store->RecordSpaceEdit(SpaceEdit::Remove("lr", {"y", 0, ""})); });
    EXPECT_EQ(store->LoadTrials().size(), 1u);  // visible inside its own transaction
    throw std::runtime_error("worker failed");
  }),
               std::runtime_error);
  EXPECT_TRUE(store->LoadTrials().empty());
  EXPECT_TRUE(store->LoadSpaceEdits().empty());
  EXPECT_FALSE(store->LoadStrategyState());
  EXPECT_FALSE(store->LoadConfig());
  EXPECT_EQ(store->GetValue("k"), "before");
  EXPECT_EQ(store->StateVersion(), 0);
  // A StoreError inside (a gap in the ids) rolls back too, and the store stays usable.
  EXPECT_THROW(store->Exclusive([&] {
    store->BeginTrial(t, {}, {});
    TrialRecord gap = FailedTrial(5);
    store->BeginTrial(gap, {}, {});
  }),
               StoreError);
  EXPECT_TRUE(store->LoadTrials().empty());
  store->Exclusive([&] {
    store->BeginTrial(t, {}, {});
    store->FinishTrial(FullTrial(), {}, {}, {});
  });
  EXPECT_EQ(store->LoadTrials().size(), 1u);
  EXPECT_EQ(store->IntegrityCheck(), "ok");
}

TEST_P(StoreConformance, ReadOnlyReadsAndNeverWrites) {
  // A study that does not exist is not created by a reader.
  EXPECT_THROW(StudyStore::Open(Location("missing"), OpenMode::kReadOnly), StoreError);
  EXPECT_THROW(StudyStore::Open(Location("missing"), OpenMode::kReadOnly), StoreError);
  {
    auto store = StudyStore::Open(Location("s"));
    store->SaveConfig({{"name", "x"}});
    store->BeginTrial(FullTrial(), {}, {{"s", 1}});
    store->FinishTrial(FullTrial(), {}, {}, {{"s", 2}});
  }
  auto writer = StudyStore::Open(Location("s"));
  auto reader = StudyStore::Open(Location("s"), OpenMode::kReadOnly);
  EXPECT_EQ(reader->LoadTrials().size(), 1u);
  EXPECT_EQ(reader->LoadConfig()->at("name"), "x");
  EXPECT_EQ(reader->LoadSnapshot().trials.size(), 1u);
  EXPECT_EQ(reader->IntegrityCheck(), "ok");
  const std::int64_t version = reader->StateVersion();
  EXPECT_THROW(reader->PutValue("k", 1), StoreError);
  EXPECT_THROW(reader->BeginTrial(FailedTrial(1), {}, {}), StoreError);
  EXPECT_THROW(reader->SaveConfig({{"name", "y"}}), StoreError);
  EXPECT_FALSE(writer->GetValue("k"));
  EXPECT_EQ(writer->LoadTrials().size(), 1u);
  EXPECT_EQ(writer->LoadConfig()->at("name"), "x");
  EXPECT_EQ(writer->StateVersion(), version);
  // The reader sees what the writer records after it opened.
  TrialRecord next = FailedTrial(1);
  writer->BeginTrial(next, {}, {});
  writer->FinishTrial(next, {}, {}, {});
  EXPECT_EQ(reader->LoadTrials().size(), 2u);
  EXPECT_GT(reader->StateVersion(), version);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// ---------------------------------------------------------------------------------------------
// SQLite only.

using SqliteStoreTest = TempDirTest;

TEST_F(SqliteStoreTest, UsesWalMode) {
  const std::string path = Path("s.db");
  { auto store = StudyStore::Open(path); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, RejectsForeignFilesAndNewerSchemas) {
  std::ofstream(Path("junk.db"))
      << "this is not a database, just some text that is long enough......";
  EXPECT_THROW(StudyStore::Open(Path("junk.db")), StoreError);
  EXPECT_THROW(StudyStore::Open(Path("no/such/dir/s.db")), StoreError);
  { auto store = StudyStore::Open(Path("new.db")); }
  sqlite3* db = nullptr;
  sqlite3_open(Path("new.db").c_str(), &db);
  sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'", nullptr, nullptr,
               nullptr);
  sqlite3_close(db);
  try {
    auto store = StudyStore::Open(Path("new.db"));
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
  }
}

/// FullTrial without the worker columns, which version 1 did not have.
TrialRecord V1Trial() {
  TrialRecord t = FullTrial();
  t.worker.clear();
  t.heartbeat_unix_s = 0.0;
  return t;
}

TEST_F(SqliteStoreTest, MigratesAVersion1StudyAndKeepsItsTrials) {
  {
    auto store = StudyStore::Open(Path("v1.db"));
    TrialRecord t = V1Trial();
    store->BeginTrial(t, {}, {});
    search::TrialAnnotations notes;
    notes.diagnoses.push_back({"overfitting", 0.9, {}});
    store->FinishTrial(t, {}, notes, {});
  }
  // Make it a version-1 file: its trials table with version 1's status CHECK, version 1.
  const std::string schema = kSchemaSql;
  const std::size_t begin = schema.find("CREATE TABLE IF NOT EXISTS trials");
  std::string v1_trials = schema.substr(begin, schema.find(");", begin) + 2 - begin);
  const std::string v2_check = "'failed', 'pruned', 'rejected'";
  ASSERT_NE(v1_trials.find(v2_check), std::string::npos);
  v1_trials.replace(v1_trials.find(v2_check), v2_check.size(), "'failed'");
  sqlite3* db = nullptr;
  sqlite3_open(Path("v1.db").c_str(), &db);
  const std::string sql = "PRAGMA legacy_alter_table = ON; ALTER TABLE trials RENAME TO t2; " +
                          v1_trials + " INSERT INTO trials SELECT * FROM t2; DROP TABLE t2; " +
                          "UPDATE meta SET value = '1' WHERE key = 'schema_version';";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  // The v1 table refuses the new statuses: the migration is what makes them storable.
  EXPECT_NE(sqlite3_exec(db, "UPDATE trials SET status = 'rejected'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = StudyStore::Open(Path("v1.db"));
  const auto trials = store->LoadTrials();
  ASSERT_EQ(trials.size(), 1u);
  EXPECT_EQ(search::TrialToJson(trials[0]), search::TrialToJson(V1Trial()));
  ASSERT_EQ(store->LoadDiagnoses().size(), 1u);
  TrialRecord rejected = V1Trial();
  rejected.id = 1;
  rejected.status = rejected.result.status = search::TrialStatus::kRejected;
  store->BeginTrial(rejected, {}, {});
  store->FinishTrial(rejected, {}, {}, {});
  EXPECT_EQ(store->LoadTrials().at(1).status, search::TrialStatus::kRejected);
  EXPECT_EQ(store->IntegrityCheck(), "ok");
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL only.

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PgCluster::Get().ok()) GTEST_SKIP() << PgCluster::Get().why_not();
  }
  static PgCluster& Cluster() { return PgCluster::Get(); }
  static std::string Url(const std::string& study) { return Cluster().Url(TestName() + study); }
};

std::string OpenError(const std::string& location, OpenMode mode = OpenMode::kReadWrite) {
  try {
    StudyStore::Open(location, mode);
  } catch (const StoreError& e) {
    return e.what();
  }
  return "";
}

TEST(PgStudyUrlTest, StudyPasswordAndConnInfo) {
  PgStudyUrl u = ParsePgStudyUrl("postgresql://ann:s3cret@db.example:5433/nas?study=exp%201");
  EXPECT_EQ(u.study, "exp 1");
  EXPECT_EQ(u.display, "postgresql://ann:***@db.example:5433/nas?study=exp%201");
  EXPECT_EQ(u.conninfo,
            "postgresql://ann:s3cret@db.example:5433/nas?connect_timeout=10&keepalives_idle=60&"
            "keepalives_interval=10&keepalives_count=6&fallback_application_name=symnas");
  u = ParsePgStudyUrl("postgres://ann@/nas?host=/run/pg&study=a&connect_timeout=3&password=x");
  EXPECT_EQ(u.study, "a");
  EXPECT_EQ(u.display, "postgres://ann@/nas?host=/run/pg&study=a&connect_timeout=3&password=***");
  EXPECT_EQ(u.conninfo,
            "postgres://ann@/nas?host=/run/pg&connect_timeout=3&password=x&keepalives_idle=60&"
            "keepalives_interval=10&keepalives_count=6&fallback_application_name=symnas");
  try {
    ParsePgStudyUrl("postgresql://ann:pw@host/nas");
    FAIL();
  } catch (const StoreError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("?study=NAME"), std::string::npos) << what;
    EXPECT_EQ(what.find("pw"), std::string::npos) << what;
  }
  EXPECT_THROW(ParsePgStudyUrl("postgresql://host/nas?study="), StoreError);
}

TEST_F(PgStoreTest, LocationHidesThePassword) {
  auto store = StudyStore::Open(Url("s") + "&password=ignored");
  EXPECT_NE(store->location().find("password=***"), std::string::npos) << store->location();
  EXPECT_EQ(store->location().find("ignored"), std::string::npos);
}

TEST_F(PgStoreTest, ErrorsSayWhatToFix) {
  std::string e = OpenError("postgresql://symnas@/symnas_test?host=/nonexistent_dir&study=a");
  EXPECT_NE(e.find("not reachable"), std::string::npos) << e;
  EXPECT_NE(e.find("/nonexistent_dir"), std::string::npos) << e;
  e = OpenError("postgresql://symnas:hunter2@127.0.0.1:1/db?study=a&connect_timeout=2");
  EXPECT_NE(e.find("127.0.0.1:1 is not reachable"), std::string::npos) << e;
  EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
  e = OpenError(Cluster().Url("a", "no_such_db"));
  EXPECT_NE(e.find("database 'no_such_db' does not exist"), std::string::npos) << e;
  e = OpenError("postgresql://nobody@/symnas_test?host=" + Cluster().socket_dir() + "&study=a");
  EXPECT_NE(e.find("user 'nobody'"), std::string::npos) << e;
  { auto other = StudyStore::Open(Url("other")); }  // the tables exist, the study does not
  e = OpenError(Url("missing"), OpenMode::kReadOnly);
  EXPECT_NE(e.find("no study " + TestName() + "missing"), std::string::npos) << e;
  // A database without symnas tables is no study for a reader.
  ASSERT_TRUE(Cluster().CreateDatabase("empty_db"));
  e = OpenError(Cluster().Url("a", "empty_db"), OpenMode::kReadOnly);
  EXPECT_NE(e.find("no symnas tables"), std::string::npos) << e;
}

TEST_F(PgStoreTest, RejectsANewerSchema) {
  ASSERT_TRUE(Cluster().CreateDatabase("newer_db"));
  { auto store = StudyStore::Open(Cluster().Url("a", "newer_db")); }
  Cluster().Query("UPDATE symnas_meta SET value = '99' WHERE key = 'schema_version'", "newer_db");
  for (OpenMode mode : {OpenMode::kReadWrite, OpenMode::kReadOnly}) {
    const std::string e = OpenError(Cluster().Url("a", "newer_db"), mode);
    EXPECT_NE(e.find("schema version 99 is newer"), std::string::npos) << e;
  }
}

TEST_F(PgStoreTest, StudiesOfOneDatabaseAreIndependent) {
  auto a = StudyStore::Open(Url("a"));
  auto b = StudyStore::Open(Url("b"));
  a->SaveConfig({{"name", "a"}});
  a->BeginTrial(FullTrial(), {}, {{"a", 1}});
  a->PutValue("k", "a");
  b->BeginTrial(FailedTrial(0), {}, {{"b", 1}});  // id 0 again: ids are per study
  b->FinishTrial(FailedTrial(0), {}, {}, {{"b", 2}});
  EXPECT_EQ(a->LoadTrials().at(0).status, TrialStatus::kComplete);
  EXPECT_EQ(b->LoadTrials().at(0).status, TrialStatus::kFailed);
  EXPECT_FALSE(b->LoadConfig());
  EXPECT_FALSE(b->GetValue("k"));
  EXPECT_EQ(a->LoadStrategyState()->at("a"), 1);  // b's snapshots do not replace a's
  EXPECT_EQ(b->LoadStrategyState()->at("b"), 2);
  EXPECT_EQ(a->IntegrityCheck(), "ok");
  EXPECT_EQ(b->IntegrityCheck(), "ok");
}

TEST_F(PgStoreTest, WorkersCreatingTheSchemaAtOnceDoNotCollide) {
  ASSERT_TRUE(Cluster().CreateDatabase("race_db"));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::vector<std::unique_ptr<StudyStore>> stores(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      try {
        stores[i] = StudyStore::Open(Cluster().Url("same", "race_db"));
      } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(failures, 0);
  stores[0]->BeginTrial(FullTrial(), {}, {});
  for (auto& s : stores) EXPECT_EQ(s->LoadTrials().size(), 1u);
  EXPECT_EQ(Cluster().Query("SELECT COUNT(*) FROM symnas_studies", "race_db"), "1");
}

/// Ends the server sessions of the stores of this test (not the query's own).
void TerminateStoreSessions() {
  PgCluster::Get().Query(
      "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = "
      "'symnas' "
      "AND pid <> pg_backend_pid()");
}

TEST_F(PgStoreTest, ReconnectsAfterALostConnectionAndRetriesTheCall) {
  auto store = StudyStore::Open(Url("s"));
  store->BeginTrial(FullTrial(), {}, {});
  TerminateStoreSessions();
  EXPECT_EQ(store->LoadTrials().size(), 1u);  // reconnected after 0.5 s
  TerminateStoreSessions();
  TrialRecord next = FailedTrial(1);
  store->BeginTrial(next, {}, {});  // a write is retried as a whole
  store->FinishTrial(next, {}, {}, {});
  EXPECT_EQ(store->LoadTrials().size(), 2u);
  TerminateStoreSessions();
  EXPECT_EQ(store->LoadSnapshot().trials.size(), 2u);
  // Inside Exclusive the transaction is lost as a whole: a StoreError, nothing recorded.
  TrialRecord third = FailedTrial(2);
  try {
    store->Exclusive([&] {
      store->BeginTrial(third, {}, {});
      TerminateStoreSessions();
      store->FinishTrial(third, {}, {}, {});
    });
    FAIL() << "the lost transaction was not reported";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("rolled back as a whole"), std::string::npos) << e.what();
  }
  EXPECT_EQ(store->LoadTrials().size(), 2u);
  third.status = third.result.status = TrialStatus::kRunning;
  store->Exclusive([&] { store->BeginTrial(third, {}, {}); });
  EXPECT_EQ(store->LoadTrials().size(), 3u);
  // The heartbeat connection reconnects too.
  store->Heartbeat(2, 1.8e9);
  TerminateStoreSessions();
  store->Heartbeat(2, 1.8e9 + 1);
  EXPECT_EQ(store->LoadTrials().at(2).heartbeat_unix_s, 1.8e9 + 1);
  EXPECT_EQ(store->IntegrityCheck(), "ok");
}

TEST_F(PgStoreTest, WaitsForARestartedServerAndRetries) {
  auto store = StudyStore::Open(Url("s"));
  store->BeginTrial(FullTrial(), {}, {});
  Cluster().Query("CHECKPOINT");  // the test cluster commits asynchronously: keep what is there
  ASSERT_TRUE(Cluster().StopServer());
  std::thread restart([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    PgCluster::Get().StartServer();
  });
  // Refused while the server is down; reconnected by the back-off (0.5 + 1 + 2 s) once it is up.
  const auto start = std::chrono::steady_clock::now();
  TrialRecord next = FailedTrial(1);
  std::string error;
  try {
    store->BeginTrial(next, {}, {});
  } catch (const std::exception& e) {
    error = e.what();
  }
  restart.join();
  ASSERT_EQ(error, "");
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(waited, 1.0);
  std::cout << "[ measure  ] reconnected after " << waited << " s\n";
  store->FinishTrial(next, {}, {}, {});
  EXPECT_EQ(store->LoadTrials().size(), 2u);
  EXPECT_EQ(store->IntegrityCheck(), "ok");
}

// Slow (two minutes of back-off): run with --gtest_also_run_disabled_tests.
TEST_F(PgStoreTest, DISABLED_GivesUpAfterTwoMinutesWithoutAServer) {
  auto store = StudyStore::Open(Url("s"));
  ASSERT_TRUE(Cluster().StopServer());
  const auto start = std::chrono::steady_clock::now();
  std::string error;
  try {
    store->LoadTrials();
  } catch (const StoreError& e) {
    error = e.what();
  }
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Cluster().StartServer();
  EXPECT_NE(error.find("could not reconnect within 120 s"), std::string::npos) << error;
  EXPECT_GE(waited, 119.0);
  EXPECT_LE(waited, 135.0);
  std::cout << "[ measure  ] gave up after " << waited << " s\n";
}

TEST_F(PgStoreTest, ExclusiveHoldsTheStudyAgainstAnotherWorker) {
  auto a = StudyStore::Open(Url("s"));
  auto b = StudyStore::Open(Url("s"));
  std::atomic<bool> a_inside{false}, b_done{false};
  std::thread other;
  a->Exclusive([&] {
    a_inside = true;
    other = std::thread([&] {
      b->Exclusive([&] { b->BeginTrial(FailedTrial(1), {}, {}); });  // after a's trial 0
      b_done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(b_done);  // waits for a's transaction
    a->BeginTrial(FullTrial(), {}, {});
  });
  other.join();
  EXPECT_TRUE(b_done);
  EXPECT_EQ(a->LoadTrials().size(), 2u);
  EXPECT_EQ(a->IntegrityCheck(), "ok");
}

TEST_F(PgStoreTest, IntegrityCheckFindsGapsAndOrphans) {
  auto store = StudyStore::Open(Url("s"));
  for (int i = 0; i < 3; ++i) {
    store->BeginTrial(FailedTrial(i), {}, {});
  }
  EXPECT_EQ(store->IntegrityCheck(), "ok");
  Cluster().Query(
      "DELETE FROM symnas_trials WHERE id = 1 AND study_id = (SELECT id FROM "
      "symnas_studies WHERE name = '" +
      TestName() + "s')");
  const std::string report = store->IntegrityCheck();
  EXPECT_NE(report.find("not dense"), std::string::npos) << report;
}

// ---------------------------------------------------------------------------------------------
// Kept weights (both backends; the migration test is SQLite's).

// A completed trial `id` with objective score `score`.
TrialRecord ScoredTrial(std::int64_t id, double score, bool feasible = true) {
  TrialRecord t = FullTrial();
  t.id = id;
  t.objective.score = score;
  t.objective.feasible = feasible;
  return t;
}

TEST_P(StoreConformance, KeepsTheWeightsOfTheBestKTrials) {
  auto store = StudyStore::Open(Location("w"));
  const double scores[] = {0.5, 0.9, 0.7, 0.95};
  for (std::int64_t id = 0; id < 4; ++id) {
    const TrialRecord t = ScoredTrial(id, scores[id], id != 3);  // trial 3 is infeasible
    store->BeginTrial(t, {}, {});
    store->FinishTrial(t, {}, {}, {});
    store->SaveWeights(id, "symnas_model/1", std::string("\0bytes", 6) + std::to_string(id), 2);
  }
  // Best two feasible: trials 1 (0.9) and 2 (0.7); the infeasible 0.95 ranks last.
  EXPECT_EQ(store->WeightTrialIds(), (std::vector<std::int64_t>{1, 2}));
  const auto w = store->LoadWeights(1);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->first, "symnas_model/1");
  EXPECT_EQ(w->second, std::string("\0bytes1", 7));  // binary-safe
  EXPECT_FALSE(store->LoadWeights(0).has_value());
  store->SaveWeights(0, "symnas_model/1", "x", -1);  // all: nothing dropped
  EXPECT_EQ(store->WeightTrialIds(), (std::vector<std::int64_t>{0, 1, 2}));
  store->SaveWeights(3, "symnas_model/1", "x", 0);  // none kept
  EXPECT_TRUE(store->WeightTrialIds().empty());
  EXPECT_EQ(store->IntegrityCheck(), "ok");
}

TEST_F(SqliteStoreTest, MigratesAStudyWithoutWeightsToTheWeightsVersion) {
  const std::string before = std::to_string(kWeightsSchemaVersion - 1);
  {
    auto store = StudyStore::Open(Path("v2.db"));
    const TrialRecord t = ScoredTrial(0, 0.8);
    store->BeginTrial(t, {}, {});
    store->FinishTrial(t, {}, {}, {});
  }
  sqlite3* db = nullptr;
  sqlite3_open(Path("v2.db").c_str(), &db);
  ASSERT_EQ(sqlite3_exec(db,
                         ("DROP TABLE weights; UPDATE meta SET value = '" + before +
                          "' WHERE key = 'schema_version';")
                             .c_str(),
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  {  // a reader of a file from before the weights table sees no weights (and changes nothing)
    auto reader = StudyStore::Open(Path("v2.db"), OpenMode::kReadOnly);
    EXPECT_FALSE(reader->LoadWeights(0).has_value());
  }
  auto store = StudyStore::Open(Path("v2.db"));
  ASSERT_EQ(store->LoadTrials().size(), 1u);
  store->SaveWeights(0, "symnas_model/1", "w", 1);
  EXPECT_EQ(store->WeightTrialIds(), (std::vector<std::int64_t>{0}));
  sqlite3_open(Path("v2.db").c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 0))),
            std::to_string(kSchemaVersion));
  sqlite3_finalize(s);
  sqlite3_close(db);
}

}  // namespace
}  // namespace symnas::store
