// Static metrics and budgets: peak memory, model size, budget checks against a profile.
#include "symnas/hw/metrics.hpp"

#include <gtest/gtest.h>

#include "symnas/common/error.hpp"
#include "symnas/hw/layer_builder.hpp"

namespace symnas::hw {
namespace {

LayerList SmallCnn() {
  LayerBuilder b(1, 28, 28);
  b.Conv("c1", 8, 3).Activation("r1").MaxPool("p1", 2, 2, false);
  b.GlobalAvgPool("g").Flatten("f").Dense("fc", 10);
  return b.Take();
}

TEST(Metrics, HandCountedSmallCnn) {
  const NetworkMetrics m = ComputeMetrics(SmallCnn());
  EXPECT_EQ(m.params, 9 * 8 + 8 * 10 + 10);
  EXPECT_DOUBLE_EQ(m.macs, 9.0 * 8 * 28 * 28 + 80);
  // Largest in+out: the ReLU, 8*28*28 in and out.
  EXPECT_EQ(m.peak_memory_bytes, 2 * 8 * 28 * 28 * 4);
  EXPECT_EQ(m.model_size_bytes, m.params * 4);
  const NetworkMetrics q = ComputeMetrics(SmallCnn(), Precision::kInt8);
  EXPECT_EQ(q.model_size_bytes, m.params);
  EXPECT_EQ(q.peak_memory_bytes, m.peak_memory_bytes / 4);
}

TEST(Metrics, AddHoldsAllItsInputs) {
  LayerBuilder b(4, 2, 2);
  b.Add("a", 3);
  EXPECT_EQ(PeakActivationBytes(b.layers(), Precision::kFp32), (3 + 1) * 16 * 4);
}

TEST(Budgets, McuBudgetsFlagSramAndFlash) {
  DeviceProfile mcu;
  mcu.name = "mcu";
  mcu.ram_bytes = 1000;
  mcu.sram_bytes = 1000;
  mcu.flash_bytes = 100;
  const auto budgets = DeviceBudgets(mcu);
  ASSERT_EQ(budgets.size(), 2u);
  const NetworkMetrics m = ComputeMetrics(SmallCnn(), Precision::kInt8);  // 162 B, 12544 B
  const auto v = CheckBudgets(budgets, ToMetricValues(m));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].budget.metric, "peak_memory_bytes");
  EXPECT_EQ(v[1].budget.metric, "model_size_bytes");
  EXPECT_NE(Describe(v[0]).find("mcu sram_bytes"), std::string::npos);
}

TEST(Budgets, MetBudgetsMissingMetricsAndBadNames) {
  const NetworkMetrics m = ComputeMetrics(SmallCnn());
  const std::vector<Budget> ok = {{"params", 1e6, ""}, {"flops", 1e9, ""}};
  EXPECT_TRUE(CheckBudgets(ok, ToMetricValues(m)).empty());
  const auto missing = CheckBudgets({{"latency_ms", 5, ""}}, ToMetricValues(m));
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_TRUE(missing[0].missing);
  EXPECT_TRUE(CheckBudgets({{"latency_ms", 5, ""}}, ToMetricValues(m, 4.0)).empty());
  EXPECT_EQ(CheckBudgets({{"latency_ms", 5, ""}}, ToMetricValues(m, 6.0)).size(), 1u);
  EXPECT_THROW(ValidateBudget({"latency", 5, ""}), UnknownNameError);
  EXPECT_THROW(ValidateBudget({"flops", -1, ""}), ConfigError);
}

}  // namespace
}  // namespace symnas::hw
