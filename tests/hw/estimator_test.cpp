// Registry conformance: every estimator in the table returns finite non-negative costs; the lut
// caches per configuration; unknown names and missing context are errors.
#include "symnas/hw/estimator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "symnas/common/error.hpp"
#include "symnas/hw/features.hpp"
#include "symnas/hw/layer_table.hpp"
#include "symnas/hw/nb201.hpp"
#include "symnas/hw/predictor.hpp"
#include "symnas/hw/random_cnn.hpp"
#include "symnas/hw/roofline.hpp"

namespace symnas::hw {
namespace {

// Deterministic stand-in for the libtorch timer: 1 us per 1000 work FLOPs + 2 us per layer.
class FakeTimer : public NetworkTimer {
 public:
  int layer_calls = 0;
  Timing TimeNetwork(const LayerList& layers) override {
    double ms = 0;
    for (const auto& l : layers) ms += LayerMs(l);
    return SummariseRuns({ms, ms * 1.01, ms * 0.99});
  }
  Timing TimeLayer(const LayerSpec& layer) override {
    ++layer_calls;
    return SummariseRuns({LayerMs(layer)});
  }
  std::string Describe() const override { return "fake"; }
  static double LayerMs(const LayerSpec& l) { return WorkFlops(l) * 1e-6 + 0.002; }
};

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("symnas_hw_test_" + name)).string();
}

EstimatorContext FullContext(std::shared_ptr<FakeTimer> timer) {
  EstimatorContext c;
  c.profile = LoadProfileByName("raspi4", std::string(SYMNAS_SOURCE_DIR) + "/devices");
  c.timer = std::move(timer);
  c.lut_cache_path = TempPath("conformance.sqlite");
  std::filesystem::remove(c.lut_cache_path);
  // A small predictor trained on roofline latencies of random CNNs.
  FeatureRows rows;
  std::vector<double> ms;
  for (unsigned s = 0; s < 40; ++s) {
    const LayerList l = RandomSequentialCnn(100 + s);
    rows.push_back(ArchFeatures(l));
    ms.push_back(Roofline(l, *c.profile).latency_ms);
  }
  LatencyPredictor p;
  PredictorOptions o;
  o.rounds = 50;
  p.Train(rows, ms, "arch", o);
  c.predictor_model_path = TempPath("conformance.model.json");
  p.Save(c.predictor_model_path);
  return c;
}

TEST(EstimatorRegistry, TableHasTheFourEstimatorsWithDescriptions) {
  EXPECT_EQ(EstimatorNames(), "measured, lut, roofline, predictor");
  for (const auto& e : Estimators()) {
    EXPECT_FALSE(std::string(e.description).empty()) << e.name;
    EXPECT_FALSE(e.params.empty()) << e.name;
  }
}

TEST(EstimatorRegistry, EveryEstimatorReturnsFiniteNonNegativeCosts) {
  const EstimatorContext ctx = FullContext(std::make_shared<FakeTimer>());
  std::vector<LayerList> nets;
  for (unsigned s = 0; s < 5; ++s) nets.push_back(RandomSequentialCnn(s));
  for (const auto& e : Estimators()) {
    auto estimator = MakeEstimator(e.name, ctx);
    EXPECT_EQ(estimator->Name(), e.name);
    for (const auto& net : nets) {
      const CostEstimate c = estimator->Estimate(net);
      EXPECT_TRUE(std::isfinite(c.latency_ms) && c.latency_ms >= 0) << e.name;
      ASSERT_TRUE(c.energy_mj.has_value()) << e.name;  // a profile is in the context
      EXPECT_TRUE(std::isfinite(*c.energy_mj) && *c.energy_mj >= 0) << e.name;
    }
  }
}

TEST(EstimatorRegistry, UnknownNameListsValidNames) {
  try {
    MakeEstimator("oracle", {});
    FAIL();
  } catch (const UnknownNameError& e) {
    EXPECT_NE(e.message().find("measured, lut, roofline, predictor"), std::string::npos);
  }
}

TEST(EstimatorRegistry, MissingContextIsConfigError) {
  EXPECT_THROW(MakeEstimator("roofline", {}), ConfigError);
  EXPECT_THROW(MakeEstimator("measured", {}), ConfigError);
  EXPECT_THROW(MakeEstimator("lut", {}), ConfigError);
  EXPECT_THROW(MakeEstimator("predictor", {}), ConfigError);
}

TEST(Lut, SumsLayersAndTimesEachConfigurationOnce) {
  auto timer = std::make_shared<FakeTimer>();
  EstimatorContext ctx;
  ctx.timer = timer;
  ctx.lut_cache_path = TempPath("lut.sqlite");
  std::filesystem::remove(ctx.lut_cache_path);
  const LayerList net =
      Nb201LayerList(ParseNb201Cell("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|"
                                    "nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"),
                     Nb201DatasetByName("cifar10"));
  double expected = 0;
  for (const auto& l : net) expected += FakeTimer::LayerMs(l);
  {
    auto lut = MakeEstimator("lut", ctx);
    EXPECT_NEAR(lut->Estimate(net).latency_ms, expected, 1e-9);
  }
  const int first_calls = timer->layer_calls;
  EXPECT_LT(first_calls, static_cast<int>(net.size()) / 4);  // 15 identical cells share entries
  EXPECT_EQ(LayerLatencyTable(ctx.lut_cache_path).Size(), first_calls);
  auto again = MakeEstimator("lut", ctx);  // a new estimator reads the same file
  EXPECT_NEAR(again->Estimate(net).latency_ms, expected, 1e-9);
  EXPECT_EQ(timer->layer_calls, first_calls);
}

TEST(Lut, UnwritableCacheIsStoreError) {
  EstimatorContext ctx;
  ctx.timer = std::make_shared<FakeTimer>();
  ctx.lut_cache_path = "/nonexistent_dir/x/lut.sqlite";
  EXPECT_THROW(MakeEstimator("lut", ctx), StoreError);
}

}  // namespace
}  // namespace symnas::hw
