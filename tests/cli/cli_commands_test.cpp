// The search / trials / export subcommands through the real binary: error paths exit 2 with
// "ErrorClass: message", a finished study can be listed and exported, --trials grows a study;
// the same on a PostgreSQL study (the throwaway cluster of pg_cluster.cpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../common/run_symnas.hpp"
#include "../store/pg_cluster.hpp"

namespace {

namespace fs = std::filesystem;

#ifndef SYMNAS_BINARY
#define SYMNAS_BINARY ""
#endif

using Result = symnas::test::CommandResult;
using symnas::test::Slurp;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(SYMNAS_BINARY).empty()) GTEST_SKIP() << "the symnas binary is not built";
    dir_ = fs::temp_directory_path() /
           ("symnas_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(Config()) << "name: cli\ntrials: 6\nseed: 2\nstrategy: random\n"
                               "objective: {kind: constrained, constraints: {flops: 1.5e6}}\n"
                               "evaluator: {kind: synthetic, function: branin}\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Config() const { return (dir_ / "study.yaml").string(); }
  std::string Db() const { return (dir_ / "s.db").string(); }

  Result Symnas(std::vector<std::string> args) {
    return symnas::test::RunCommand(SYMNAS_BINARY, std::move(args), dir_);
  }
  fs::path dir_;
};

TEST_F(CliTest, SearchListExportAndGrow) {
  Result r = Symnas({"search", "--config", Config(), "--study", Db()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("[6/6]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("best trials"), std::string::npos);
  Result list = Symnas({"trials", "--study", Db()});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("6 of 6 trials finished"), std::string::npos) << list.out;
  const std::string csv = (dir_ / "t.csv").string();
  ASSERT_EQ(Symnas({"export", "--study", Db(), "--format", "csv", "--out", csv}).code, 0);
  std::string text = Slurp(csv);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 7);  // header + 6 trials
  Result json = Symnas({"export", "--study", Db(), "--format", "json"});
  ASSERT_EQ(json.code, 0);
  EXPECT_NE(json.out.find("\"space_edits\""), std::string::npos);
  // Rerunning the finished study does no work; a larger --trials continues it.
  Result again = Symnas({"search", "--config", Config(), "--study", Db(), "--trials", "9"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("resuming: 6 finished trials"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("[9/9]"), std::string::npos);
}

TEST_F(CliTest, ErrorsExitWithTheirClass) {
  Result r = Symnas({"search", "--config", Config(), "--study", Db(), "--strategy", "bayes"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("UnknownNameError: unknown strategy 'bayes'; valid names: random, bo, "
                       "evolution, morphism"),
            std::string::npos)
      << r.err;
  ASSERT_EQ(Symnas({"search", "--config", Config(), "--study", Db(), "--quiet"}).code, 0);
  Result changed = Symnas({"search", "--config", Config(), "--study", Db(), "--strategy", "bo"});
  EXPECT_EQ(changed.code, 2);
  EXPECT_NE(changed.err.find("ConfigError"), std::string::npos) << changed.err;
  std::ofstream(dir_ / "bad.yaml") << "name: x\ntrials: 3\nstrategy: [bo\n";
  Result bad = Symnas({"search", "--config", (dir_ / "bad.yaml").string(), "--study", Db()});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("bad.yaml:"), std::string::npos) << bad.err;
  Result missing = Symnas({"trials", "--study", (dir_ / "none.db").string()});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("StoreError: no study"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(dir_ / "none.db"));
  std::ofstream(dir_ / "unknown_eval.yaml") << "name: x\nevaluator: {kind: cnnn}\n";
  Result eval = Symnas({"search", "--config", (dir_ / "unknown_eval.yaml").string(), "--study",
                        (dir_ / "e.db").string()});
  EXPECT_EQ(eval.code, 2);
  EXPECT_NE(eval.err.find("unknown evaluator kind 'cnnn'"), std::string::npos) << eval.err;
  EXPECT_FALSE(fs::exists(dir_ / "e.db"));  // config errors are found before the study is made
}

TEST_F(CliTest, EvaluatorOptionsAreCheckedWhereWrittenAndListedByHelp) {
  std::ofstream(dir_ / "typo.yaml") << "name: x\ntrials: 2\nstrategy: random\nevaluator:\n"
                                       "  kind: synthetic\n  function: branin\n  nois: 0.1\n";
  Result typo = Symnas({"search", "--config", (dir_ / "typo.yaml").string(), "--study", Db()});
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("evaluator 'synthetic': unknown option 'nois'; valid options: "
                          "function, noise, sleep_ms"),
            std::string::npos)
      << typo.err;
  EXPECT_NE(typo.err.find("typo.yaml:7"), std::string::npos) << typo.err;
  Result help = Symnas({"search", "--help"});
  EXPECT_EQ(help.code, 0) << help.err;
  for (const char* line : {"acq_samples = 1000: random candidates scored by the acquisition",
                           "nasbench201", "threshold = 0.5 [0, 1]"}) {
    EXPECT_NE(help.out.find(line), std::string::npos) << line << "\n" << help.out;
  }
}

TEST_F(CliTest, SearchListExportAndGrowOnPostgres) {
  auto& cluster = symnas::store::testing::PgCluster::Get();
  if (!cluster.ok()) GTEST_SKIP() << cluster.why_not();
  const std::string url = cluster.Url("cli");
  Result r = Symnas({"search", "--config", Config(), "--study", url});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("[6/6]"), std::string::npos) << r.out;
  Result list = Symnas({"trials", "--study", url});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("6 of 6 trials finished"), std::string::npos) << list.out;
  const std::string csv = (dir_ / "t.csv").string();
  ASSERT_EQ(Symnas({"export", "--study", url, "--format", "csv", "--out", csv}).code, 0);
  std::string text = Slurp(csv);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 7);  // header + 6 trials
  Result again = Symnas({"search", "--config", Config(), "--study", url, "--trials", "9"});
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("resuming: 6 finished trials"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("[9/9]"), std::string::npos);
  // A URL without study= and an unreachable server are StoreErrors that say what to fix.
  Result no_study = Symnas({"search", "--config", Config(), "--study",
                            "postgresql://symnas@/symnas_test?host=" + cluster.socket_dir()});
  EXPECT_EQ(no_study.code, 2);
  EXPECT_NE(no_study.err.find("add ?study=NAME"), std::string::npos) << no_study.err;
  Result away = Symnas({"trials", "--study", "postgresql://u:pw@/db?host=/nonexistent&study=a"});
  EXPECT_EQ(away.code, 2);
  EXPECT_NE(away.err.find("StoreError"), std::string::npos) << away.err;
  EXPECT_NE(away.err.find("not reachable"), std::string::npos) << away.err;
  EXPECT_EQ(away.err.find("pw"), std::string::npos) << away.err;
  // A mistyped study name is refused, not created empty.
  Result typo = Symnas({"trials", "--study", cluster.Url("clii")});
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("no study"), std::string::npos) << typo.err;
  Result worker = Symnas({"worker", "--study", cluster.Url("clii")});
  EXPECT_EQ(worker.code, 2) << worker.out;
  EXPECT_NE(worker.err.find("no study"), std::string::npos) << worker.err;
}

}  // namespace
