// Few-shot latency of a new device: the statistics, the model's choices on the 600-cell sample
// of NAS-Bench-201, device columns of any name, and the errors.
#include "symnas/hw/fewshot.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "symnas/common/error.hpp"
#include "symnas/hw/csv.hpp"

namespace symnas::hw {
namespace {

std::string SamplePath() {
  return std::string(SYMNAS_SOURCE_DIR) + "/tests/hw/data/nasbench201_hw_sample.csv";
}

TEST(FewShot, SpearmanOnHandRankedSeries) {
  EXPECT_DOUBLE_EQ(SpearmanRho({1, 2, 3, 4}, {10, 20, 30, 400}), 1.0);
  EXPECT_DOUBLE_EQ(SpearmanRho({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  // ranks a = (0,1,2), b = (0,2,1): Pearson of ranks = 0.5
  EXPECT_NEAR(SpearmanRho({1, 2, 3}, {1, 3, 2}), 0.5, 1e-12);
  EXPECT_THROW(SpearmanRho({1}, {1}), ConfigError);
}

TEST(FewShot, LoadsAnyDeviceColumns) {
  const DeviceLatencyTable t = DeviceLatencyTable::Load(SamplePath());
  ASSERT_EQ(t.cells.size(), 600u);
  ASSERT_EQ(t.devices.size(), 5u);
  EXPECT_EQ(t.devices[2], "fpga");
  EXPECT_EQ(t.DeviceIndex("titan_rtx_1"), 4);
  EXPECT_THROW(t.DeviceIndex("tpu"), UnknownNameError);
}

TEST(FewShot, TenShotsRankEveryDeviceOfTheSample) {
  const DeviceLatencyTable t = DeviceLatencyTable::Load(SamplePath());
  FewShotEvalOptions o;
  o.shots = {10};
  o.draws = 3;
  const auto draws = EvaluateFewShot(t, o);
  ASSERT_EQ(draws.size(), 5u * 3u);
  double mean_rho = 0;
  for (const auto& d : draws) {
    mean_rho += d.spearman / static_cast<double>(draws.size());
    EXPECT_GT(d.spearman, 0.85) << d.device << " draw " << d.draw;
    // fpga latency is additive in the raw cell's operations: the model finds it.
    if (d.device == "fpga") {
      EXPECT_EQ(d.model.rfind("additive raw", 0), 0u) << d.model;
      EXPECT_GT(d.spearman, 0.98);
      EXPECT_LT(d.mape, 3.0);
    }
  }
  EXPECT_GT(mean_rho, 0.94);
  const std::string md = FewShotMarkdown(draws);
  EXPECT_NE(md.find("| fewshot | titan_rtx_1 | 10 | 3 |"), std::string::npos) << md;
  EXPECT_NE(md.find("Mean over devices"), std::string::npos);
}

// The same cells with other device names and only three devices.
TEST(FewShot, WorksWithRenamedAndFewerDevices) {
  std::ifstream in(SamplePath());
  const std::string path = ::testing::TempDir() + "/renamed_devices.csv";
  std::ofstream out(path);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream s(line);
    std::string cell;
    while (std::getline(s, cell, ',')) f.push_back(cell);
    // keep arch, raspi4 -> lat_ms_phone_a, fpga -> lat_ms_accel, gold -> lat_ms_server
    if (header)
      f = {f[1], "lat_ms_phone_a", "lat_ms_accel", "lat_ms_server"};
    else
      f = {f[1], f[5], f[7], f[8]};
    out << f[0] << "," << f[1] << "," << f[2] << "," << f[3] << "\n";
    header = false;
  }
  out.close();
  const DeviceLatencyTable t = DeviceLatencyTable::Load(path);
  ASSERT_EQ(t.devices, (std::vector<std::string>{"phone_a", "accel", "server"}));
  FewShotEvalOptions o;
  o.shots = {12};
  o.draws = 2;
  o.devices = {"accel"};
  const auto draws = EvaluateFewShot(t, o);
  ASSERT_EQ(draws.size(), 2u);
  for (const auto& d : draws) {
    EXPECT_EQ(d.device, "accel");
    EXPECT_GT(d.spearman, 0.98);
  }
  // No reference device at all: the additive fits alone.
  const auto shots = SampleShots(t, 1, 10, 3);
  const FewShotFit fit = FitFewShot(t.cells, {}, {}, shots);
  EXPECT_EQ(fit.connected_model.rfind("additive raw", 0), 0u) << fit.connected_model;
  EXPECT_EQ(fit.disconnected_model, fit.connected_model.substr(0, 12));
  EXPECT_EQ(fit.predicted_ms.size(), t.cells.size());
  EXPECT_GT(SpearmanRho(fit.predicted_ms, t.latency_ms[1]), 0.95);
}

TEST(FewShot, ShotsAreCheckedAndSamplesSeeded) {
  const DeviceLatencyTable t = DeviceLatencyTable::Load(SamplePath());
  EXPECT_THROW(FitFewShot(t, 0, SampleShots(t, 0, 2, 0)), ConfigError);
  auto shots = SampleShots(t, 0, 5, 0);
  EXPECT_EQ(shots.size(), 5u);
  for (size_t i = 0; i < shots.size(); ++i) {
    EXPECT_EQ(shots[i].latency_ms, t.latency_ms[0][shots[i].cell]);
    EXPECT_EQ(shots[i].cell, SampleShots(t, 0, 5, 0)[i].cell);  // seeded
  }
  shots.push_back(shots.front());
  EXPECT_THROW(FitFewShot(t, 0, shots), ConfigError);  // a cell measured twice
  shots.pop_back();
  shots.push_back({100000, 1.0});
  EXPECT_THROW(FitFewShot(t, 0, shots), ConfigError);  // outside the table
  EXPECT_THROW(SampleShots(t, 0, 599, 0), ConfigError);
  const std::string bad = ::testing::TempDir() + "/no_devices.csv";
  std::ofstream(bad) << "arch,cifar10\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10\n";
  EXPECT_THROW(DeviceLatencyTable::Load(bad), DatasetError);
}

}  // namespace
}  // namespace symnas::hw
