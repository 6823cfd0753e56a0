// Tests of the SQLite study store: every field round-trips, edits replay in order, only the
// latest strategy snapshot is kept, tuner tables, schema versioning, error paths, export, and a
// crash-and-resume through the driver that equals an uninterrupted study.
#include "symnas/store/study_store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "../../src/store/schema.sql.hpp"
#include "../search/crashing_evaluator.hpp"
#include "symnas/common/error.hpp"
#include "symnas/search/synthetic.hpp"
#include "symnas/strategies/table.hpp"

namespace symnas::store {
namespace {

namespace fs = std::filesystem;
using namespace symnas::search;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("symnas_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
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
  t.started_unix_s = 1.7e9;
  t.finished_unix_s = 1.7e9 + 12.5;
  return t;
}

TEST_F(StoreTest, TrialRoundTripsEveryField) {
  auto store = StudyStore::Open(Path("s.db"));
  TrialRecord running = FullTrial();
  running.status = TrialStatus::kRunning;
  store->BeginTrial(running, {}, {{"kind", "bo"}});
  ASSERT_EQ(store->LoadTrials().size(), 1u);
  EXPECT_EQ(store->LoadTrials()[0].status, TrialStatus::kRunning);
  TrialRecord done = FullTrial();
  store->FinishTrial(done, {}, {}, {{"kind", "bo"}, {"n", 1}});
  auto back = store->LoadTrials().at(0);
  EXPECT_EQ(TrialToJson(back), TrialToJson(done));
  // A failed trial keeps its error and has no score.
  TrialRecord failed;
  failed.id = 1;
  failed.params = {{"filters_0", std::int64_t{16}}};
  failed.status = failed.result.status = TrialStatus::kFailed;
  failed.result.error = "ArchError: the map shrinks, \"badly\"";
  store->BeginTrial(failed, {}, {});
  store->FinishTrial(failed, {}, {}, {});
  auto f = store->LoadTrials().at(1);
  EXPECT_EQ(f.result.error, failed.result.error);
  EXPECT_FALSE(std::isfinite(f.objective.score));
  // Ids must be dense.
  TrialRecord gap = failed;
  gap.id = 5;
  EXPECT_THROW(store->BeginTrial(gap, {}, {}), StoreError);
  EXPECT_EQ(store->IntegrityCheck(), "ok");
}

TEST_F(StoreTest, EditsSnapshotsAnnotationsAndValuesPersist) {
  const std::string path = Path("s.db");
  SpaceEdit add = SpaceEdit::Add(Dimension::Real("weight_decay", 1e-6, 0.1, 1e-4, Scale::kLog),
                                 Value{1e-6}, {"reg_l2", 0, "overfitting"});
  SpaceEdit shrink =
      SpaceEdit::Bounds(SpaceEditKind::kShrinkBounds, "filters_0", 16, 32, {"dec_filters", 1, ""});
  {
    auto store = StudyStore::Open(path);
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
  }
  auto store = StudyStore::Open(path);  // reopen
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
  auto actions = store->LoadActions();
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_TRUE(actions[0].action.applied);
  EXPECT_FALSE(actions[1].action.applied);
  auto weights = store->LoadRuleWeights();
  ASSERT_EQ(weights.size(), 1u);
  EXPECT_DOUBLE_EQ(weights[0].weights.at("r2"), 0.3);
  EXPECT_EQ(store->GetValue("tuner")->at("lacc"), 0.15);
  EXPECT_FALSE(store->GetValue("missing"));
  // Only the latest snapshot row is kept.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM strategy_states", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(s, 0), 1);
  sqlite3_finalize(s);
  sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(StoreTest, RejectsForeignFilesAndNewerSchemas) {
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

TEST_F(StoreTest, MigratesAVersion1StudyAndKeepsItsTrials) {
  {
    auto store = StudyStore::Open(Path("v1.db"));
    TrialRecord t = FullTrial();
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
  EXPECT_EQ(search::TrialToJson(trials[0]), search::TrialToJson(FullTrial()));
  ASSERT_EQ(store->LoadDiagnoses().size(), 1u);
  TrialRecord rejected = FullTrial();
  rejected.id = 1;
  rejected.status = rejected.result.status = search::TrialStatus::kRejected;
  store->BeginTrial(rejected, {}, {});
  store->FinishTrial(rejected, {}, {}, {});
  EXPECT_EQ(store->LoadTrials().at(1).status, search::TrialStatus::kRejected);
  EXPECT_EQ(store->IntegrityCheck(), "ok");
}

TEST_F(StoreTest, CsvAndJsonExport) {
  auto store = StudyStore::Open(Path("s.db"));
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
        return strategies::MakeStrategy(strategy, {s, 4, options, budget});
      },
      eval, *objective, rec, o);
  return d.Run();
}

TEST_F(StoreTest, CrashedStudyResumesFromTheStoreLikeAnUninterruptedOne) {
  for (const std::string strategy : {"bo", "morphism"}) {
    SyntheticEvaluator eval(std::string("cnn_proxy"));
    MemoryRecorder clean;
    auto reference = RunStudy(eval, clean, strategy);
    const std::string path = Path(strategy + ".db");
    {
      auto store = StudyStore::Open(path);
      CrashingEvaluator crash(eval, 6);
      EXPECT_THROW(RunStudy(crash, *store, strategy), int);
    }
    auto store = StudyStore::Open(path);
    auto resumed = RunStudy(eval, *store, strategy);
    EXPECT_EQ(resumed.interrupted_trials, 1);
    auto stored = store->LoadTrials();
    ASSERT_EQ(stored.size(), 11u);
    EXPECT_TRUE(stored[6].interrupted);
    EXPECT_EQ(stored[6].status, TrialStatus::kFailed);
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

}  // namespace
}  // namespace symnas::store

namespace symnas::store {
namespace {

using search::TrialRecord;

// A completed trial `id` with objective score `score`.
TrialRecord ScoredTrial(std::int64_t id, double score, bool feasible = true) {
  TrialRecord t = FullTrial();
  t.id = id;
  t.objective.score = score;
  t.objective.feasible = feasible;
  return t;
}

TEST_F(StoreTest, KeepsTheWeightsOfTheBestKTrials) {
  auto store = StudyStore::Open(Path("w.db"));
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

TEST_F(StoreTest, MigratesAStudyWithoutWeightsToTheWeightsVersion) {
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
