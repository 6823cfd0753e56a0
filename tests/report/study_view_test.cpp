// Tests of the views' JSON (report::StudyView / TrialView) on a study with hand-made contents:
// statuses as strings, best feasible value per trial and per CPU second, budgets, the Pareto
// front and a hypervolume computed by hand, the symbolic story, rule weights; the read-only
// store (no writes, no file created) and a consistent snapshot while a writer appends trials.
#include "symnas/report/study_view.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "study_fixture.hpp"
#include "symnas/common/error.hpp"
#include "symnas/report/page.hpp"

namespace symnas::report {
namespace {

using nlohmann::json;
using search::TrialRecord;
using search::TrialStatus;
using test::StudyFixture;
using test::StudyStoreWriter;
using test::WriteSymbolicStudy;

TEST_F(StudyFixture, TrialsHistoryAndBudgets) {
  WriteSymbolicStudy(Path("s.db"));
  const json view = StudyView(ReadStudy(Path("s.db")), "s.db");
  EXPECT_EQ(view["name"], "fixture");
  EXPECT_EQ(view["strategy"], "symbolic");
  ASSERT_EQ(view["trials"].size(), 4u);
  EXPECT_EQ(view["trials"][2]["status"], "failed");
  EXPECT_TRUE(view["trials"][2]["accuracy"].is_null());  // a failed trial has no accuracy
  EXPECT_EQ(view["statuses"], json({{"complete", 3}, {"failed", 1}}));
  EXPECT_EQ(view["trials_finished"], 4);
  EXPECT_EQ(view["best_trial"], 3);
  // Budgets: the objective's flops <= 1e7 (tighter than the tuner's 2e7), the tuner's latency.
  EXPECT_EQ(view["budgets"], json::parse(R"([{"budget":1e7,"metric":"flops"},
                                             {"budget":2.0,"metric":"latency_ms"}])"));
  EXPECT_EQ(view["cost_metrics"], json({"flops", "latency_ms"}));
  // Trial 0 is infeasible: the best feasible value starts at trial 1 (0.6) and rises at 3.
  const json& h = view["history"];
  ASSERT_EQ(h.size(), 4u);
  EXPECT_TRUE(h[0]["best_score"].is_null());
  EXPECT_DOUBLE_EQ(h[1]["best_score"], 0.6);
  EXPECT_DOUBLE_EQ(h[2]["best_score"], 0.6);  // the failed trial changes nothing
  EXPECT_DOUBLE_EQ(h[3]["best_score"], 0.7);
  EXPECT_EQ(h[3]["best_trial"], 3);
  // CPU seconds accumulate details.cpu_seconds: 1 + 2 + 3 + 4.
  EXPECT_DOUBLE_EQ(h[3]["cpu_seconds"], 10.0);
  EXPECT_DOUBLE_EQ(h[1]["cpu_seconds"], 3.0);
  EXPECT_TRUE(view["pareto"].is_null());
}

TEST_F(StudyFixture, SymbolicStoryAndWeights) {
  WriteSymbolicStudy(Path("s.db"));
  const json story = StudyView(ReadStudy(Path("s.db")), "s.db")["story"];
  ASSERT_EQ(story["steps"].size(), 4u);
  const json& first = story["steps"][0];
  EXPECT_EQ(first["problems"][0]["problem"], "thr_exceeded(flops)");
  ASSERT_EQ(first["actions"].size(), 2u);
  EXPECT_EQ(first["actions"][0]["action"], "dec_layers");
  EXPECT_EQ(first["actions"][0]["problem"], "thr_exceeded(flops)");
  EXPECT_DOUBLE_EQ(first["actions"][0]["probability"], 0.7);
  EXPECT_TRUE(first["actions"][0]["applied"]);
  EXPECT_FALSE(first["actions"][1]["applied"]);
  EXPECT_EQ(first["helped"], "yes");  // trial 1 is feasible where trial 0 was not
  ASSERT_EQ(first["edits"].size(), 1u);
  EXPECT_NE(first["edits"][0]["text"].get<std::string>().find("filters_0"), std::string::npos);
  EXPECT_EQ(story["steps"][1]["helped"], "-");  // nothing applied after trial 1
  // Weights: initial (shipped rules) then the two learned rows.
  const json& weights = story["weights"];
  EXPECT_DOUBLE_EQ(weights["initial"]["action(dec_layers,thr_exceeded(flops))"], 0.7);
  ASSERT_EQ(weights["series"].size(), 2u);
  EXPECT_EQ(weights["series"][1]["trial"], 1);
  EXPECT_DOUBLE_EQ(weights["series"][1]["weights"]["action(dec_layers,thr_exceeded(flops))"], 0.85);
  EXPECT_TRUE(story["has_annotations"]);
}

TEST_F(StudyFixture, InterruptedAndRunningTrialsKeepTheirStatus) {
  // An interrupted trial keeps its stored status and is counted apart.
  StudyStoreWriter w(Path("s.db"));
  w.Trial(0, TrialStatus::kComplete, 0.5, true, {{"flops", 1e6}});
  w.store->BeginTrial(w.Make(1, TrialStatus::kRunning, 0, true, {}), {}, json::object());
  w.store->MarkInterrupted(1, "killed");
  w.store->BeginTrial(w.Make(2, TrialStatus::kRunning, 0, true, {}), {}, json::object());
  const json view = StudyView(ReadStudy(Path("s.db")), "s.db");
  EXPECT_EQ(view["statuses"], json({{"complete", 1}, {"interrupted", 1}, {"running", 1}}));
  EXPECT_EQ(view["trials"][2]["status"], "running");
  EXPECT_EQ(view["history"].size(), 1u);  // running and interrupted trials are not history
}

TEST_F(StudyFixture, ParetoFrontAndHypervolumeByHand) {
  StudyStoreWriter w(
      Path("p.db"),
      {{"name", "pareto"},
       {"strategy", "nsga2"},
       {"objective",
        {{"kind", "pareto"},
         {"metrics",
          {{{"name", "accuracy"}, {"goal", "max"}}, {{"name", "flops"}, {"goal", "min"}}}},
         {"reference", {0.0, 5.0}}}}});
  // Vectors (-accuracy, flops): A(-0.5, 2), B(-0.8, 4), C(-0.4, 4.5) dominated by A.
  w.ParetoTrial(0, {-0.5, 2.0});
  w.ParetoTrial(1, {-0.4, 4.5});
  w.ParetoTrial(2, {-0.8, 4.0});
  const json p = StudyView(ReadStudy(Path("p.db")), "p.db")["pareto"];
  ASSERT_FALSE(p.is_null());
  EXPECT_EQ(p["front"], json({0, 2}));
  EXPECT_EQ(p["reference_source"], "config");
  ASSERT_EQ(p["hypervolume"].size(), 3u);
  // A alone: 0.5 * 3; C is dominated by A (adds nothing); with B: A's box + B's - the overlap.
  EXPECT_NEAR(p["hypervolume"][0]["hypervolume"], 1.5, 1e-12);
  EXPECT_NEAR(p["hypervolume"][1]["hypervolume"], 1.5, 1e-12);
  EXPECT_NEAR(p["hypervolume"][2]["hypervolume"], 1.5 + 0.8 * 1.0 - 0.5 * 1.0, 1e-12);
}

TEST_F(StudyFixture, TrialViewHasCurvesArchitectureAndAnnotations) {
  WriteSymbolicStudy(Path("s.db"));
  const auto snapshot = ReadStudy(Path("s.db"));
  const auto trial = TrialView(snapshot, 0);
  ASSERT_TRUE(trial.has_value());
  EXPECT_EQ((*trial)["curves"]["val_acc"], json({0.3, 0.5}));
  EXPECT_EQ((*trial)["details"]["architecture"]["blocks"].size(), 1u);
  EXPECT_EQ((*trial)["diagnoses"][0]["problem"], "thr_exceeded(flops)");
  EXPECT_EQ((*trial)["actions"].size(), 2u);
  EXPECT_EQ((*trial)["edits"].size(), 1u);
  EXPECT_FALSE(TrialView(snapshot, 99).has_value());
}

TEST_F(StudyFixture, ReadOnlyNeverWritesNorCreates) {
  EXPECT_THROW(ReadStudy(Path("missing.db")), StoreError);
  EXPECT_FALSE(std::filesystem::exists(Path("missing.db")));
  std::ofstream(Path("junk.db")) << "not a database";
  EXPECT_THROW(ReadStudy(Path("junk.db")), StoreError);
  WriteSymbolicStudy(Path("s.db"));
  const std::string before = Slurp(Path("s.db"));
  auto reader = store::StudyStore::Open(Path("s.db"), store::OpenMode::kReadOnly);
  EXPECT_THROW(reader->SaveConfig({{"name", "changed"}}), StoreError);
  StudyView(ReadStudy(Path("s.db")), "s.db");
  EXPECT_EQ(Slurp(Path("s.db")), before);
}

TEST_F(StudyFixture, SnapshotsStayConsistentWhileAWriterAppends) {
  constexpr int kTrials = 150;
  std::atomic<bool> writer_done = false;
  std::string writer_error;
  StudyStoreWriter w(Path("live.db"));
  std::thread writer([&] {
    try {
      for (int i = 0; i < kTrials; ++i) w.Trial(i, TrialStatus::kComplete, 0.001 * i, true, {});
    } catch (const std::exception& e) {
      writer_error = e.what();
    }
    writer_done = true;
  });
  std::size_t last = 0, reads = 0;
  while (!writer_done || reads == 0) {
    const json view = StudyView(ReadStudy(Path("live.db")), "live.db");
    const std::size_t n = view["trials"].size();
    EXPECT_GE(n, last) << "a later snapshot lost trials";
    // One snapshot: every stored trial is finished (Begin and Finish are separate commits, so a
    // running last trial is allowed) and the history is complete up to it.
    EXPECT_GE(view["history"].size() + 1, n);
    last = n;
    ++reads;
  }
  writer.join();
  EXPECT_EQ(writer_error, "") << "the reader locked the writer out";
  EXPECT_EQ(StudyView(ReadStudy(Path("live.db")), "live.db")["trials"].size(),
            static_cast<std::size_t>(kTrials));
  EXPECT_GT(reads, 1u);
}

TEST(ReportPage, IsSelfContainedAndScriptSafe) {
  const json data = {{"studies", json::array()}, {"evil", "</script><script>alert(1)</script>"}};
  const std::string page = ReportPage(data);
  EXPECT_EQ(page.find("<script src"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("</script><script>alert"), std::string::npos);
  EXPECT_NE(page.find("\\u003c/script>"), std::string::npos);
  EXPECT_NE(page.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(page.find("Chart.js v4"), std::string::npos);  // the charting library is inline
  EXPECT_EQ(json::parse(ScriptSafeJson(data)), data);      // \u003c decodes back to '<'
}

}  // namespace
}  // namespace symnas::report
