// Hardware budgets of a study through the real `symnas search` binary on a tiny IDX dataset: a
// device's limits join the objective's budgets; a budget no candidate of the space can meet is
// a ConfigError before any trial and before the study file exists (a warning for symbolic). The
// budgets reach the symbolic tuner (a config's own strategy_options.budgets replace the
// objective's), and a study that stored the objective's budgets as strategy options resumes.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "../common/run_symnas.hpp"

namespace {

namespace fs = std::filesystem;

#ifndef SYMNAS_BINARY
#define SYMNAS_BINARY ""
#endif

using Result = symnas::test::CommandResult;

/// Raw IDX file: magic 0 0 8 ndims, big-endian dims, bytes.
void WriteIdx(const fs::path& path, const std::vector<std::uint32_t>& dims,
              const std::vector<std::uint8_t>& data) {
  std::ofstream out(path, std::ios::binary);
  out.put(0).put(0).put(8).put(static_cast<char>(dims.size()));
  for (std::uint32_t d : dims) {
    for (int shift = 24; shift >= 0; shift -= 8) out.put(static_cast<char>((d >> shift) & 0xff));
  }
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

class StudyBudgetsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(SYMNAS_BINARY).empty()) GTEST_SKIP() << "the symnas binary is not built";
    dir_ = fs::temp_directory_path() /
           ("symnas_hw_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "data");
    constexpr std::uint32_t kImages = 60;
    std::vector<std::uint8_t> pixels(kImages * 28 * 28), labels(kImages);
    for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i % 251);
    for (std::uint32_t i = 0; i < kImages; ++i) labels[i] = static_cast<std::uint8_t>(i % 10);
    for (const char* prefix : {"train", "t10k"}) {
      WriteIdx(dir_ / "data" / (std::string(prefix) + "-images-idx3-ubyte"), {kImages, 28, 28},
               pixels);
      WriteIdx(dir_ / "data" / (std::string(prefix) + "-labels-idx1-ubyte"), {kImages}, labels);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Writes a one-trial study (symbolic unless `strategy` says otherwise) on the tiny data with
  /// `objective` and extra evaluator options; returns its path.
  std::string Config(const std::string& objective, const std::string& evaluator_extra,
                     const std::string& space = "seed000",
                     const std::string& strategy = "symbolic") {
    const fs::path path = dir_ / "study.yaml";
    std::ofstream(path) << "name: hw\ntrials: 1\nseed: 0\nstrategy: " << strategy << "\n"
                        << "objective: " << objective << "\n"
                        << "evaluator: {kind: cnn, dataset: fashion_mnist, dir: '"
                        << (dir_ / "data").string() << "', validation_size: 20, epochs: 1"
                        << evaluator_extra << "}\n"
                        << "space: " << space << "\n";
    return path.string();
  }
  std::string Db() const { return (dir_ / "s.db").string(); }

  Result Symnas(std::vector<std::string> args) {
    return symnas::test::RunCommand(SYMNAS_BINARY, std::move(args), dir_);
  }
  fs::path dir_;
};

TEST_F(StudyBudgetsCli, UnreachableFlashBudgetIsReportedBeforeTheStudyFileExists) {
  // int8 weights of the smallest seed-000 network (filters 16/64, 256 units): 1 byte per weight,
  // 4 per bias, 4 per tensor scale: conv 144+64+4, 2304+64+4, 9216+256+4, 36864+256+4, dense
  // 802816+1024+4, classifier 2560+40+4 = 855,632 bytes; 512 KB cannot be met in the space.
  const std::string objective =
      "{kind: constrained, maximise: accuracy, constraints: {model_size_bytes: 524288}}";
  Result r =
      Symnas({"search", "--config", Config(objective, ", device: cortex_m7", "seed000", "random"),
              "--study", Db()});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("ConfigError: no candidate of the space can meet"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("model_size_bytes <= 524288"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("855632"), std::string::npos) << r.err;  // 855,632 B, computed below
  EXPECT_NE(r.err.find("filters_0=16, filters_1=64"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("units_0=256"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("peak_memory_bytes <="), std::string::npos) << r.err;  // SRAM is fine
  EXPECT_FALSE(fs::exists(Db()));
  // The symbolic tuner edits the space (dec_neurons lowers units_0 below 256): a warning only.
  Result symbolic =
      Symnas({"search", "--config", Config(objective, ", device: cortex_m7"), "--study", Db()});
  EXPECT_EQ(symbolic.code, 0) << symbolic.err;
  EXPECT_NE(symbolic.err.find("warning: no candidate of the space can meet"), std::string::npos)
      << symbolic.err;
  EXPECT_NE(symbolic.err.find("strategy 'symbolic' can shrink the space"), std::string::npos);
}

TEST_F(StudyBudgetsCli, TheSymbolicTunerTrainsNoOverBudgetNetworkInARealStudy) {
  // 15 MFLOPs is below the whole seed-000 space (smallest network ~23.6 MFLOPs on 28x28x1): the
  // tuner must reject candidates before training and shrink the space until networks fit.
  const fs::path config = dir_ / "tuner.yaml";
  std::ofstream(config) << "name: tuner\ntrials: 3\nseed: 0\nstrategy: symbolic\n"
                        << "strategy_options: {bo: {initial_random: 2, acq_samples: 200}}\n"
                        << "pruner: symbolic\n"
                        << "objective: {kind: constrained, maximise: accuracy, constraints: "
                        << "{flops: 1.5e7}}\n"
                        << "evaluator: {kind: cnn, dataset: fashion_mnist, dir: '"
                        << (dir_ / "data").string() << "', validation_size: 20, epochs: 2}\n"
                        << "space: seed000\n";
  Result search = Symnas({"search", "--config", config.string(), "--study", Db()});
  ASSERT_EQ(search.code, 0) << search.out << search.err;
  EXPECT_NE(search.out.find("REJECTED before training: flops"), std::string::npos) << search.out;
  EXPECT_NE(search.out.find("diagnosed thr_exceeded(flops)"), std::string::npos) << search.out;
  const std::string json_path = (dir_ / "trials.json").string();
  Result exported = Symnas({"export", "--study", Db(), "--format", "json", "--out", json_path});
  ASSERT_EQ(exported.code, 0) << exported.err;
  std::ifstream in(json_path);
  const auto trials = nlohmann::json::parse(in).at("trials");
  int trained = 0, rejected = 0;
  for (const auto& t : trials) {
    const double flops = t.at("metrics").at("flops").get<double>();
    if (t.at("status") == "rejected") {
      ++rejected;
      EXPECT_GT(flops, 1.5e7);
      EXPECT_TRUE(t.at("curves").at("val_acc").empty());
    } else {
      ++trained;
      EXPECT_LE(flops, 1.5e7) << t.dump();
    }
  }
  EXPECT_EQ(trained, 3);
  EXPECT_GT(rejected, 0);
  Result explain = Symnas({"explain", "--study", Db()});
  ASSERT_EQ(explain.code, 0) << explain.err;
  EXPECT_NE(explain.out.find("rejected"), std::string::npos) << explain.out;
  // Only rules that can fire in this study (a FLOPs budget) are in the weights table.
  EXPECT_EQ(explain.out.find("thr_exceeded(latency_ms)"), std::string::npos) << explain.out;
}

TEST_F(StudyBudgetsCli, DeviceLimitsJoinTheObjectiveAndAWiderSpaceRuns) {
  // units_0 down to 32 makes 512 KB reachable; the device adds its 320 KB SRAM limit and keeps
  // the tighter explicit flash budget.
  const std::string config =
      Config("{kind: constrained, maximise: accuracy, constraints: {model_size_bytes: 524288}}",
             ", device: cortex_m7",
             "{base: seed000, units_0: {type: int, low: 32, high: 512, default: 64}}");
  Result r = Symnas({"search", "--config", config, "--study", Db()});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("model_size_bytes<=5.243e+05"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("peak_memory_bytes<=3.277e+05"), std::string::npos) << r.out;
  Result exported = Symnas({"export", "--study", Db(), "--format", "json"});
  ASSERT_EQ(exported.code, 0) << exported.err;
  // int8 is the default precision on a device with flash: the fp32 figures are kept beside.
  EXPECT_NE(exported.out.find("model_size_fp32_bytes"), std::string::npos);
}

TEST_F(StudyBudgetsCli, ADeviceNeedsAnObjectiveWithConstraintsAndAKnownName) {
  Result accuracy = Symnas(
      {"search", "--config", Config("{kind: accuracy}", ", device: cortex_m7"), "--study", Db()});
  EXPECT_EQ(accuracy.code, 2);
  EXPECT_NE(accuracy.err.find("use objective kind constrained"), std::string::npos) << accuracy.err;
  Result unknown =
      Symnas({"search", "--config",
              Config("{kind: constrained, constraints: {flops: 1e9}}", ", device: cortex_m8"),
              "--study", Db()});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("cortex_m7"), std::string::npos) << unknown.err;  // lists devices
  Result precision =
      Symnas({"search", "--config",
              Config("{kind: constrained, constraints: {flops: 1e9}}", ", precision: int4"),
              "--study", Db()});
  EXPECT_EQ(precision.code, 2);
  EXPECT_NE(precision.err.find("precision 'int4'"), std::string::npos) << precision.err;
  EXPECT_FALSE(fs::exists(Db()));
}

TEST_F(StudyBudgetsCli, SeveralDevicesAreBudgetedAndTheTunerNamesTheDeviceOverBudget) {
  // devices: [raspi4, jetson_nano] gives latency_ms@<device> in EstimateCosts: the unreachable
  // check sees it, with the same smallest latency as device: raspi4 + roofline latency_ms.
  Result several = Symnas(
      {"search", "--config",
       Config("{kind: constrained, maximise: accuracy, constraints: {latency_ms@raspi4: 1.0e-6, "
              "latency_ms@jetson_nano: 100}}",
              ", devices: [raspi4, jetson_nano]", "seed000", "random"),
       "--study", Db()});
  EXPECT_EQ(several.code, 2) << several.out << several.err;
  const std::string marker = "the smallest latency_ms@raspi4 in the space is ";
  const auto at = several.err.find(marker);
  ASSERT_NE(at, std::string::npos) << several.err;
  const std::string smallest = several.err.substr(at + marker.size(), 8);
  Result one =
      Symnas({"search", "--config",
              Config("{kind: constrained, maximise: accuracy, constraints: {latency_ms: "
                     "1.0e-6}}",
                     ", device: raspi4, latency: {estimator: roofline}", "seed000", "random"),
              "--study", Db()});
  EXPECT_NE(one.err.find("the smallest latency_ms in the space is " + smallest), std::string::npos)
      << smallest << "\n"
      << one.err;
  // Just above the space's smallest raspi4 latency: the first proposal is over raspi4's budget
  // only, rejected before training, diagnosed with the device; each device's RAM joins.
  const std::string config = Config(
      "{kind: constrained, maximise: accuracy, constraints: {latency_ms@raspi4: 0.66, "
      "latency_ms@jetson_nano: 100}}",
      ", devices: [raspi4, jetson_nano]");
  Result r = Symnas({"search", "--config", config, "--study", Db()});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("peak_memory_bytes@jetson_nano<="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("REJECTED before training: latency_ms@raspi4"), std::string::npos) << r.out;
  Result explain = Symnas({"explain", "--study", Db()});
  ASSERT_EQ(explain.code, 0) << explain.err;
  EXPECT_NE(explain.out.find("device_exceeded(raspi4,latency_ms)"), std::string::npos)
      << explain.out;
  EXPECT_EQ(explain.out.find("device_exceeded(jetson_nano"), std::string::npos) << explain.out;
  EXPECT_NE(explain.out.find("[thr_exceeded(latency_ms)]"), std::string::npos) << explain.out;
  // A host timer cannot stand for a target device.
  Result host = Symnas({"search", "--config",
                        Config("{kind: constrained, constraints: {flops: 1e9}}",
                               ", devices: [{device: raspi4, estimator: measured}]"),
                        "--study", Db() + "x"});
  EXPECT_EQ(host.code, 2) << host.err;
  EXPECT_NE(host.err.find("not from timing this host"), std::string::npos) << host.err;
}

TEST_F(StudyBudgetsCli, ABadRuleFileFailsBeforeTheStudyFileExists) {
  // The strategy is built once before the store opens, so its options are checked first.
  const std::string config = Config("{kind: constrained, constraints: {flops: 1e9}}", "");
  const std::string missing = (dir_ / "no_such_rules.pl").string();
  Result r = Symnas({"search", "--config", config, "--study", Db(), "--rules", missing});
  EXPECT_NE(r.code, 0) << r.out << r.err;  // CLI11's existence check (exit 105)
  EXPECT_NE(r.err.find("no_such_rules.pl"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(Db()));
  const fs::path bad = dir_ / "bad_rules.pl";
  std::ofstream(bad) << "0.5::action(teleport, overfitting) :- problem(overfitting).\n";
  Result unknown = Symnas({"search", "--config", config, "--study", Db(), "--rules", bad.string()});
  EXPECT_EQ(unknown.code, 2) << unknown.out << unknown.err;
  EXPECT_NE(unknown.err.find("teleport"), std::string::npos) << unknown.err;
  EXPECT_FALSE(fs::exists(Db()));
}

}  // namespace

namespace {
// The shipped example with its trial count cut to `trials`, written into `dir`.
std::string TrimmedExample(const std::string& name, const fs::path& dir, int trials) {
  std::ifstream in(std::string(SYMNAS_SOURCE_DIR) + "/examples/" + name);
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const auto at = yaml.find("trials: 300");
  if (at != std::string::npos) yaml.replace(at, 11, "trials: " + std::to_string(trials));
  const fs::path path = dir / name;
  std::ofstream(path) << yaml;
  return path.string();
}
/// Runs `sql` with the text parameters `args` on the SQLite study `db`; the first column of the
/// first row ("" without one).
std::string QueryStudy(const std::string& db, const std::string& sql,
                       const std::vector<std::string>& args = {}) {
  sqlite3* handle = nullptr;
  EXPECT_EQ(sqlite3_open(db.c_str(), &handle), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(handle);
  for (std::size_t i = 0; i < args.size(); ++i) {
    sqlite3_bind_text(stmt, static_cast<int>(i + 1), args[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  std::string first;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    first = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(handle);
  return first;
}

/// A symbolic study of the paper profile on the CNN-parameter proxy (no training) under a FLOPs
/// constraint no network exceeds, with extra strategy options; returns the config's path.
std::string ProxyConfig(const fs::path& dir, int trials, const std::string& extra_options) {
  const fs::path path = dir / "proxy.yaml";
  std::ofstream(path) << "name: proxy\ntrials: " << trials << "\nseed: 0\nstrategy: symbolic\n"
                      << "strategy_options: {profile: paper, bo: {initial_random: 2}"
                      << extra_options << "}\n"
                      << "objective: {kind: constrained, constraints: {flops: 1.0e+12}}\n"
                      << "evaluator: {kind: synthetic, function: cnn_proxy}\nspace: seed000\n";
  return path.string();
}

TEST_F(StudyBudgetsCli, AConfigsOwnStrategyBudgetsReplaceTheObjectivesInTheTuner) {
  const std::string count = "SELECT COUNT(*) FROM diagnoses WHERE problem = 'thr_exceeded(flops)'";
  // The objective's 1e12 FLOPs: no trial exceeds it.
  Result plain =
      Symnas({"search", "--config", ProxyConfig(dir_, 2, ""), "--study", Db(), "--quiet"});
  ASSERT_EQ(plain.code, 0) << plain.err;
  EXPECT_EQ(QueryStudy(Db(), count), "0");
  // The strategy's own 1e6 FLOPs: every trial exceeds it.
  const std::string own = (dir_ / "own.db").string();
  Result tight = Symnas({"search", "--config", ProxyConfig(dir_, 2, ", budgets: {flops: 1.0e+6}"),
                         "--study", own, "--quiet"});
  ASSERT_EQ(tight.code, 0) << tight.err;
  EXPECT_NE(QueryStudy(own, count), "0");
}

TEST_F(StudyBudgetsCli, AStudyThatStoredTheObjectivesBudgetsAsStrategyOptionsResumes) {
  const std::string config = ProxyConfig(dir_, 1, "");
  ASSERT_EQ(Symnas({"search", "--config", config, "--study", Db(), "--quiet"}).code, 0);
  const std::string select = "SELECT config_json FROM study WHERE id = 1";
  auto stored = nlohmann::json::parse(QueryStudy(Db(), select));
  EXPECT_FALSE(stored.at("strategy_options").contains("budgets")) << stored.dump();
  // Before the budgets travelled typed, `symnas search` stored a copy of the objective's.
  const auto store = [&](const nlohmann::json& budgets) {
    stored["strategy_options"]["budgets"] = budgets;
    QueryStudy(Db(), "UPDATE study SET config_json = ? WHERE id = 1", {stored.dump()});
  };
  store({{"flops", 1e12}});
  Result resumed = Symnas({"search", "--config", config, "--study", Db(), "--trials", "2"});
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("resuming: 1 finished trials"), std::string::npos) << resumed.out;
  EXPECT_NE(resumed.out.find("[2/2]"), std::string::npos) << resumed.out;
  // Budgets other than the objective's were the user's: a different config.
  stored = nlohmann::json::parse(QueryStudy(Db(), select));
  store({{"flops", 5e11}});
  Result other = Symnas({"search", "--config", config, "--study", Db(), "--trials", "3"});
  EXPECT_EQ(other.code, 2);
  EXPECT_NE(other.err.find("(strategy_options differ)"), std::string::npos) << other.err;
}

}  // namespace

// NAS-Bench-201 studies: budgets on two devices at once, and a few-shot latency estimator; the
// evaluator's `device` there names a table column, not a profile whose limits would join.
TEST_F(StudyBudgetsCli, Nb201MultiDeviceAndFewShotStudiesRun) {
  Result multi =
      Symnas({"search", "--config", TrimmedExample("nasbench201_multi_device.yaml", dir_, 20),
              "--study", Db()});
  ASSERT_EQ(multi.code, 0) << multi.out << multi.err;
  const std::string said = multi.out + multi.err;
  EXPECT_NE(said.find("latency_ms@fpga<=3"), std::string::npos) << said;
  EXPECT_NE(said.find("latency_ms@raspi4<=20"), std::string::npos) << said;
  EXPECT_EQ(said.find("peak_memory_bytes"), std::string::npos) << said;
  fs::remove(Db());
  Result few = Symnas({"search", "--config", TrimmedExample("nasbench201_fewshot.yaml", dir_, 20),
                       "--study", Db()});
  ASSERT_EQ(few.code, 0) << few.out << few.err;
  Result table =
      Symnas({"hw", "fewshot", "--data",
              std::string(SYMNAS_SOURCE_DIR) + "/tests/hw/data/nasbench201_hw_sample.csv",
              "--device", "fpga", "--shots", "10", "--draws", "2"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("| fewshot | fpga | 10 | 2 |"), std::string::npos) << table.out;
  Result bad = Symnas({"hw", "fewshot", "--data",
                       std::string(SYMNAS_SOURCE_DIR) + "/tests/hw/data/nasbench201_hw_sample.csv",
                       "--shots", "2"});
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find("--shots"), std::string::npos) << bad.err;
}
