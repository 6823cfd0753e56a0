// Study files with known contents for the report tests: a scratch directory per test and a
// writer that stores hand-made trials, annotations and edits through the real StudyStore.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "symnas/store/study_store.hpp"

namespace symnas::test {

/// A scratch directory per test, removed afterwards.
class StudyFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("symnas_report_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string Slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::filesystem::path dir_;
};

/// Writes trials into a new study file (read-write store), as the driver would.
struct StudyStoreWriter {
  explicit StudyStoreWriter(const std::string& path,
                            const nlohmann::json& config = {{"name", "plain"},
                                                            {"strategy", "random"},
                                                            {"objective", {{"kind", "accuracy"}}}})
      : store(store::StudyStore::Open(path)) {
    store->SaveConfig(config);
  }

  /// A trial whose score is its accuracy.
  search::TrialRecord Make(std::int64_t id, search::TrialStatus status, double accuracy,
                           bool feasible, std::map<std::string, double> metrics) {
    search::TrialRecord t;
    t.id = id;
    t.params = {{"filters_0", std::int64_t{16 + id}}};
    t.status = t.result.status = status;
    t.strategy = "test";
    t.result.accuracy = accuracy;
    t.result.metrics = std::move(metrics);
    t.result.details = {{"cpu_seconds", 1.0 + static_cast<double>(id)}};
    t.objective = {accuracy, feasible, feasible ? 0.0 : 1.0, {-accuracy}};
    if (status == search::TrialStatus::kFailed) t.result.error = "diverged";
    return t;
  }

  /// Begins and finishes one trial with `notes`.
  void Trial(std::int64_t id, search::TrialStatus status, double accuracy, bool feasible,
             std::map<std::string, double> metrics, const search::TrialAnnotations& notes = {},
             const std::vector<search::SpaceEdit>& edits = {}) {
    Finish(Make(id, status, accuracy, feasible, std::move(metrics)), notes, edits);
  }
  void Finish(const search::TrialRecord& t, const search::TrialAnnotations& notes = {},
              const std::vector<search::SpaceEdit>& edits = {}) {
    search::TrialRecord running = t;
    running.status = search::TrialStatus::kRunning;
    store->BeginTrial(running, {}, nlohmann::json::object());
    store->FinishTrial(t, edits, notes, nlohmann::json::object());
  }

  /// A completed trial with objective vector `vector`.
  void ParetoTrial(std::int64_t id, std::vector<double> vector) {
    search::TrialRecord t = Make(id, search::TrialStatus::kComplete, -vector[0], true, {});
    t.objective.vector = std::move(vector);
    Finish(t);
  }

  std::unique_ptr<store::StudyStore> store;
};

/// The symbolic study of the view tests: 4 trials (0 infeasible with a diagnosis, two actions,
/// one applied, and an edit; 1 and 3 feasible; 2 failed), two rows of learned weights.
inline void WriteSymbolicStudy(const std::string& path) {
  StudyStoreWriter w(
      path,
      {{"name", "fixture"},
       {"strategy", "symbolic"},
       {"trials", 4},
       {"strategy_options", {{"budgets", {{"latency_ms", 2.0}, {"flops", 2e7}}}}},
       {"objective",
        {{"kind", "constrained"}, {"maximise", "accuracy"}, {"constraints", {{"flops", 1e7}}}}}});
  search::TrialRecord first =
      w.Make(0, search::TrialStatus::kComplete, 0.5, false, {{"flops", 2e7}, {"latency_ms", 1.0}});
  first.result.curves.val_acc = {0.3, 0.5};
  first.result.curves.train_loss = {1.2, 0.9};
  first.result.details["architecture"] = {
      {"blocks", {{{"filters", 32}, {"kernel_size", 3}, {"convs", 1}}}},
      {"dense", nlohmann::json::array()}};
  search::TrialAnnotations notes;
  notes.diagnoses.push_back({"thr_exceeded(flops)", 1.0, {}});
  notes.actions.push_back({"dec_layers", 0.7, true, {{"problem", "thr_exceeded(flops)"}}});
  notes.actions.push_back({"dec_neurons", 0.4, false, {{"problem", "thr_exceeded(flops)"}}});
  notes.rule_weights = {{"action(dec_layers,thr_exceeded(flops))", 0.8}};
  const auto edit = search::SpaceEdit::Bounds(search::SpaceEditKind::kShrinkBounds, "filters_0", 16,
                                              32, {"dec_layers", 0, ""});
  w.Finish(first, notes, {edit});
  search::TrialAnnotations learned;
  learned.rule_weights = {{"action(dec_layers,thr_exceeded(flops))", 0.85}};
  w.Trial(1, search::TrialStatus::kComplete, 0.6, true, {{"flops", 8e6}, {"latency_ms", 1.5}},
          learned);
  w.Trial(2, search::TrialStatus::kFailed, 0.0, true, {});
  w.Trial(3, search::TrialStatus::kComplete, 0.7, true, {{"flops", 9e6}, {"latency_ms", 1.8}});
}

}  // namespace symnas::test
