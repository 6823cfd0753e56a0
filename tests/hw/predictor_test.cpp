// Latency predictor: learns a known function, save/load round trip, error paths.
#include "symnas/hw/predictor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "symnas/hw/validation.hpp"

namespace symnas::hw {
namespace {

void MakeData(unsigned seed, int n, FeatureRows& rows, std::vector<double>& ms) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < n; ++i) {
    const double a = u(rng), b = u(rng), c = u(rng);
    rows.push_back({a, b, c});
    ms.push_back(1 + 10 * a + 3 * b * b);  // c is noise
  }
}

TEST(Predictor, LearnsASmoothFunction) {
  FeatureRows train, test;
  std::vector<double> y_train, y_test;
  MakeData(1, 300, train, y_train);
  MakeData(2, 200, test, y_test);
  LatencyPredictor p;
  PredictorOptions o;
  o.rounds = 300;
  p.Train(train, y_train, "toy", o);
  const auto pred = p.Predict(test);
  EXPECT_GT(KendallTau(y_test, pred), 0.85);
  EXPECT_LT(MapePercent(y_test, pred), 8.0);
}

TEST(Predictor, RankObjectiveRanksAndItsCalibrationSurvivesSaveLoad) {
  FeatureRows train, test;
  std::vector<double> y_train, y_test;
  MakeData(1, 300, train, y_train);
  MakeData(2, 200, test, y_test);
  LatencyPredictor p;
  PredictorOptions o;
  o.rounds = 300;
  o.objective = "rank:pairwise";
  p.Train(train, y_train, "toy", o);
  const auto pred = p.Predict(test);
  EXPECT_GT(KendallTau(y_test, pred), 0.85);
  // The score -> log latency line puts predictions on the latency scale (1..14 ms here), not
  // on the booster's arbitrary score scale.
  EXPECT_LT(MapePercent(y_test, pred), 30.0);
  const std::string path = ::testing::TempDir() + "rank_model.json";
  p.Save(path);
  const auto again = LatencyPredictor::Load(path).Predict(test);
  for (size_t i = 0; i < pred.size(); ++i) EXPECT_NEAR(again[i], pred[i], 1e-9 * pred[i]);
  std::filesystem::remove(path);
  o.objective = "reg:absoluteerror";
  EXPECT_THROW(p.Train(train, y_train, "toy", o), PredictorError);
}

TEST(Predictor, SaveLoadRoundTripGivesIdenticalPredictions) {
  FeatureRows rows;
  std::vector<double> ms;
  MakeData(3, 100, rows, ms);
  LatencyPredictor p;
  PredictorOptions o;
  o.rounds = 40;
  p.Train(rows, ms, "toy", o);
  const std::string path =
      (std::filesystem::temp_directory_path() / "symnas_hw_predictor.json").string();
  p.Save(path);
  const LatencyPredictor q = LatencyPredictor::Load(path);
  EXPECT_EQ(q.feature_set(), "toy");
  EXPECT_EQ(q.num_features(), 3);
  const auto a = p.Predict(rows), b = q.Predict(rows);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_FLOAT_EQ(a[i], b[i]);
}

TEST(Predictor, ErrorPaths) {
  LatencyPredictor p;
  EXPECT_THROW(p.Predict({{1, 2, 3}}), PredictorError);
  EXPECT_THROW(p.Save("/tmp/never.json"), PredictorError);
  EXPECT_THROW(p.Train({}, {}, "x"), PredictorError);
  EXPECT_THROW(p.Train({{1}, {2}}, {1, -1}, "x"), PredictorError);
  EXPECT_THROW(LatencyPredictor::Load("/nonexistent/model.json"), PredictorError);
  const std::string junk =
      (std::filesystem::temp_directory_path() / "symnas_hw_junk.json").string();
  std::ofstream(junk) << "not a model";
  EXPECT_THROW(LatencyPredictor::Load(junk), PredictorError);
  PredictorOptions o;
  o.rounds = 5;
  p.Train({{1, 2}, {3, 4}, {5, 6}}, {1, 2, 3}, "x", o);
  EXPECT_THROW(p.Predict({{1, 2, 3}}), PredictorError);  // wrong width
  EXPECT_THROW(p.PredictLayers({}), PredictorError);     // not an 'arch' model
}

}  // namespace
}  // namespace symnas::hw
