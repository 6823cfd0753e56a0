// Tests of the driver: failed trials are recorded and the study goes on, trial seeds, the
// interrupted trial is re-run on resume and the resumed study equals an uninterrupted one.
#include "symnas/search/driver.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "crashing_evaluator.hpp"
#include "symnas/common/error.hpp"
#include "symnas/search/synthetic.hpp"
#include "symnas/strategies/table.hpp"

namespace symnas::search {
namespace {

StudyOutcome RunStudy(const std::string& strategy, Evaluator& eval, StudyRecorder& rec, int trials,
                      std::ostream* progress = nullptr) {
  static auto objective = MakeObjective({{"kind", "accuracy"}});
  DriverOptions o;
  o.trials = trials;
  o.seed = 9;
  o.progress = progress;
  nlohmann::json options = strategy == "bo"
                               ? nlohmann::json{{"initial_random", 3}, {"acq_samples", 200}}
                               : nlohmann::json::object();
  Driver d(
      FindSyntheticFunction("mixed").space(),
      [&](const SearchSpace& s) {
        return strategies::MakeStrategy(strategy, {s, 9, options, {}, {}, {}, {}});
      },
      eval, *objective, rec, o);
  return d.Run();
}

TEST(DriverTest, FailedTrialsAreRecordedAndTheStudyContinues) {
  SyntheticOptions so;
  so.function = "mixed";
  so.fail_param = "n";  // n == 3 throws ArchError (an invalid candidate)
  so.fail_value = 3;
  so.fail_above_flops = 1.5e7;  // n > 15 returns kFailed (out of memory)
  SyntheticEvaluator eval(so);
  MemoryRecorder rec;
  std::ostringstream progress;
  auto out = RunStudy("random", eval, rec, 30, &progress);
  EXPECT_EQ(CountFinished(out.trials), 30);
  int thrown = 0, returned = 0;
  for (const auto& t : out.trials) {
    if (t.status != TrialStatus::kFailed) continue;
    if (t.result.error.find("ArchError") != std::string::npos) ++thrown;
    if (t.result.error.find("out of memory") != std::string::npos) ++returned;
  }
  EXPECT_GT(thrown, 0);
  EXPECT_GT(returned, 0);
  EXPECT_NE(progress.str().find("[30/30]"), std::string::npos);
  EXPECT_NE(progress.str().find("FAILED: ArchError"), std::string::npos);
  EXPECT_NE(progress.str().find("best trials"), std::string::npos);
  // The stored trials are the returned ones.
  EXPECT_EQ(rec.LoadTrials().size(), out.trials.size());
}

TEST(DriverTest, ARecorderWithoutSnapshotsRunsTheSameStudy) {
  // The NAS-Bench-201 bench's recorder keeps no strategy state: same trials, no snapshot.
  SyntheticOptions so;
  so.function = "mixed";
  SyntheticEvaluator eval(so);
  for (const char* strategy : {"random", "evolution", "local_search"}) {
    MemoryRecorder keeping, bare(/*keep_strategy_state=*/false);
    const auto a = RunStudy(strategy, eval, keeping, 25);
    const auto b = RunStudy(strategy, eval, bare, 25);
    ASSERT_EQ(a.trials.size(), b.trials.size()) << strategy;
    for (std::size_t i = 0; i < a.trials.size(); ++i) {
      EXPECT_EQ(a.trials[i].params, b.trials[i].params) << strategy << " trial " << i;
    }
    EXPECT_TRUE(keeping.LoadStrategyState().has_value());
    EXPECT_FALSE(bare.LoadStrategyState().has_value());
    EXPECT_FALSE(bare.KeepsStrategyState());
    // The tail read equals the tail of the full read.
    const auto tail = bare.LoadTrialsFrom(20);
    ASSERT_EQ(tail.size(), b.trials.size() - 20);
    EXPECT_EQ(tail.front().id, 20);
    EXPECT_EQ(tail.back().params, b.trials.back().params);
    EXPECT_TRUE(bare.LoadTrialsFrom(1000).empty());
  }
}

TEST(DriverTest, TrialSeedsDifferAndAreStable) {
  EXPECT_EQ(TrialSeed(1, 0), TrialSeed(1, 0));
  EXPECT_NE(TrialSeed(1, 0), TrialSeed(1, 1));
  EXPECT_NE(TrialSeed(1, 0), TrialSeed(2, 0));
}

TEST(DriverTest, ResumeAfterCrashEqualsUninterruptedStudy) {
  for (const std::string strategy : {"random", "bo", "evolution"}) {
    SyntheticEvaluator eval(std::string("mixed"));
    MemoryRecorder clean;
    auto reference = RunStudy(strategy, eval, clean, 12);

    MemoryRecorder rec;
    CrashingEvaluator crashing(eval, 7);
    EXPECT_THROW(RunStudy(strategy, crashing, rec, 12), int);
    ASSERT_EQ(rec.LoadTrials().size(), 8u);
    EXPECT_EQ(rec.LoadTrials().back().status, TrialStatus::kRunning);
    auto resumed = RunStudy(strategy, eval, rec, 12);
    EXPECT_EQ(resumed.resumed_trials, 7);
    EXPECT_EQ(resumed.interrupted_trials, 1);
    ASSERT_EQ(resumed.trials.size(), 13u);  // 12 counted + the interrupted one
    const auto& interrupted = resumed.trials[7];
    EXPECT_TRUE(interrupted.interrupted);
    EXPECT_EQ(interrupted.status, TrialStatus::kFailed);
    EXPECT_EQ(resumed.trials[8].params, interrupted.params);  // re-run first
    EXPECT_EQ(resumed.trials[8].seed, interrupted.seed);
    std::vector<TrialRecord> counted;
    for (const auto& t : resumed.trials) {
      if (!t.interrupted) counted.push_back(t);
    }
    ASSERT_EQ(counted.size(), reference.trials.size());
    for (std::size_t i = 0; i < counted.size(); ++i) {
      EXPECT_EQ(counted[i].params, reference.trials[i].params) << strategy << " trial " << i;
      EXPECT_EQ(counted[i].objective.score, reference.trials[i].objective.score);
    }
  }
}

TEST(DriverTest, GrowingTheTrialCountContinuesAStudy) {
  SyntheticEvaluator eval(std::string("mixed"));
  MemoryRecorder rec;
  RunStudy("random", eval, rec, 5);
  auto more = RunStudy("random", eval, rec, 8);
  EXPECT_EQ(more.resumed_trials, 5);
  EXPECT_EQ(CountFinished(more.trials), 8);
  MemoryRecorder clean;
  auto reference = RunStudy("random", eval, clean, 8);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(more.trials[i].params, reference.trials[i].params);
}

TEST(DriverTest, MorphismGrowsTheSpaceAndRespectsTheBudget) {
  SyntheticEvaluator eval(std::string("cnn_proxy"));
  auto objective = MakeObjective({{"kind", "seed000"}, {"flops_threshold", 6e7}});
  MemoryRecorder rec;
  DriverOptions o;
  o.trials = 15;
  BudgetCheck budget = MakeBudgetCheck(eval, objective->Constraints());
  Driver d(
      Seed000Space(),
      [&](const SearchSpace& s) {
        return strategies::MakeStrategy("morphism", {s, 1, {}, budget, {}, {}, {}});
      },
      eval, *objective, rec, o);
  auto out = d.Run();
  EXPECT_FALSE(out.space.history().empty());  // deepen / add_dense grew the space
  int feasible_morphs = 0;
  for (std::size_t i = 3; i < out.trials.size(); ++i) {  // after the initial ones
    EXPECT_LE(out.trials[i].result.metrics.at("flops"), 6e7) << "trial " << i;
    feasible_morphs += out.trials[i].objective.feasible;
  }
  EXPECT_GT(feasible_morphs, 0);
  for (const auto& e : out.space.history()) {
    EXPECT_TRUE(e.reason.action.find("deepen") != std::string::npos ||
                e.reason.action.find("widen") != std::string::npos ||
                e.reason.action.find("add_dense") != std::string::npos)
        << e.ToString();
  }
  EXPECT_EQ(rec.LoadSpaceEdits().size(), out.space.history().size());
}

TEST(DriverTest, TrialsTableShowsTheParametersOfASingleRow) {
  TrialRecord t;
  t.id = 0;
  t.status = t.result.status = TrialStatus::kComplete;
  t.params = {{"x0", 1.5}, {"opt", std::string("b")}};
  TrialRecord u = t;
  u.id = 1;
  u.params["x0"] = 2.5;
  // Two rows: only the parameter that differs; one row: all of them.
  const std::string both = FormatTrialsTable({t, u}, 0);
  EXPECT_NE(both.find("x0=1.5"), std::string::npos) << both;
  EXPECT_EQ(both.find("opt=b"), std::string::npos) << both;
  const std::string one = FormatTrialsTable({t, u}, 1);
  EXPECT_NE(one.find("opt=b"), std::string::npos) << one;
  EXPECT_NE(one.find("x0="), std::string::npos) << one;
}

}  // namespace
}  // namespace symnas::search
