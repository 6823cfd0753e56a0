// The cnn TrainingEvaluator's hardware view on a tiny in-memory task: int8 storage metrics,
// a (fake) latency probe run before training, once per distinct network, reported by Evaluate.
#include <gtest/gtest.h>

#include "../nn/test_data.hpp"
#include "symnas/common/error.hpp"
#include "symnas/nn/evaluator.hpp"

namespace symnas::nn {
namespace {

search::Params Candidate(double learning_rate, double dropout, std::int64_t filters_0) {
  return {{"filters_0", filters_0},        {"filters_1", std::int64_t{8}},
          {"units_0", std::int64_t{16}},   {"learning_rate", learning_rate},
          {"conv_dropout", dropout},       {"epochs", std::int64_t{1}},
          {"batch_size", std::int64_t{16}}};
}

TEST(TrainingEvaluatorHardware, Int8MetricsAreAQuarterOfActivationsAndTheInt8Weights) {
  auto data = std::make_shared<const DataSplits>(testing::TinySplits(32, 16));
  TrainingEvaluator fp32(data);
  HardwareOptions int8_storage;
  int8_storage.precision = StoragePrecision::kInt8;
  TrainingEvaluator int8(data, {}, int8_storage);
  const auto params = Candidate(1e-3, 0.25, 8);
  const auto a = fp32.EstimateCosts(params);
  const auto b = int8.EstimateCosts(params);
  const CostReport cost = AnalyzeCost(ArchFromParams(params, data->input, data->classes));
  EXPECT_EQ(a.at("peak_memory_bytes"), static_cast<double>(cost.peak_activation_bytes));
  EXPECT_EQ(a.at("model_size_bytes"), static_cast<double>(cost.model_size_fp32_bytes));
  EXPECT_EQ(a.count("peak_memory_fp32_bytes"), 0u);  // the fp32 default is unchanged
  EXPECT_EQ(b.at("peak_memory_bytes") * 4, a.at("peak_memory_bytes"));
  EXPECT_EQ(b.at("model_size_bytes"), static_cast<double>(cost.model_size_int8_bytes));
  EXPECT_EQ(b.at("peak_memory_fp32_bytes"), a.at("peak_memory_bytes"));
  EXPECT_EQ(b.at("model_size_fp32_bytes"), a.at("model_size_bytes"));
  EXPECT_EQ(b.at("flops"), a.at("flops"));
}

TEST(TrainingEvaluatorHardware, LatencyProbeRunsOncePerNetworkAndReachesTheTrialMetrics) {
  auto data = std::make_shared<const DataSplits>(testing::TinySplits(32, 16));
  int calls = 0;
  HardwareOptions hardware;
  hardware.probe = [&calls](const CostReport& cost) {
    ++calls;
    return std::map<std::string, double>{{"latency_ms", cost.macs / 1e6}};
  };
  TrainOptions train;
  train.threads = 1;
  TrainingEvaluator evaluator(data, train, hardware);
  const auto small = evaluator.EstimateCosts(Candidate(1e-3, 0.25, 8));
  EXPECT_EQ(calls, 1);
  EXPECT_DOUBLE_EQ(small.at("latency_ms"), small.at("macs") / 1e6);
  // Same network, other training hyper-parameters and dropout rate: no new measurement.
  EXPECT_EQ(evaluator.EstimateCosts(Candidate(3e-4, 0.4, 8)).at("latency_ms"),
            small.at("latency_ms"));
  EXPECT_EQ(calls, 1);
  const auto wide = evaluator.EstimateCosts(Candidate(1e-3, 0.25, 16));
  EXPECT_EQ(calls, 2);
  EXPECT_GT(wide.at("latency_ms"), small.at("latency_ms"));
  const search::EvalResult result = evaluator.Evaluate(Candidate(1e-3, 0.25, 16), 1);
  ASSERT_EQ(result.status, search::TrialStatus::kComplete) << result.error;
  EXPECT_EQ(result.metrics.at("latency_ms"), wide.at("latency_ms"));
  EXPECT_EQ(calls, 2);
}

TEST(TrainingEvaluatorHardware, AFailingProbeFailsTheTrialNotTheStudy) {
  auto data = std::make_shared<const DataSplits>(testing::TinySplits(32, 16));
  HardwareOptions hardware;
  hardware.probe = [](const CostReport&) -> std::map<std::string, double> {
    throw ArchError("probe cannot time this network");
  };
  TrainingEvaluator evaluator(data, {}, hardware);
  EXPECT_THROW(evaluator.EstimateCosts(Candidate(1e-3, 0.25, 8)), ArchError);
  const search::EvalResult result = evaluator.Evaluate(Candidate(1e-3, 0.25, 8), 1);
  EXPECT_EQ(result.status, search::TrialStatus::kFailed);
  EXPECT_NE(result.error.find("probe cannot time"), std::string::npos) << result.error;
}

}  // namespace
}  // namespace symnas::nn
