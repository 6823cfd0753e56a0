// Quality statistics against brute-force values, and the NAS-Bench-201 validation on a sample.
#include "symnas/hw/validation.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "symnas/common/error.hpp"

namespace symnas::hw {
namespace {

TEST(Stats, KendallTauOnHandCountedPairs) {
  EXPECT_DOUBLE_EQ(KendallTau({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(KendallTau({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  // pairs: (1,2)C (1,3)C (2,3)D -> (2-1)/3
  EXPECT_NEAR(KendallTau({1, 2, 3}, {1, 3, 2}), 1.0 / 3, 1e-12);
  // tau-b with a tie in b: C=2 (1-2? tie), pairs (1,2):tie_b (1,3):C (2,3):C -> 2/sqrt(3*2)
  EXPECT_NEAR(KendallTau({1, 2, 3}, {1, 1, 2}), 2 / std::sqrt(6.0), 1e-12);
  EXPECT_THROW(KendallTau({1}, {1}), ConfigError);
}

TEST(Stats, Mape) {
  EXPECT_DOUBLE_EQ(MapePercent({1, 2}, {1.1, 1.8}), 10.0);
  EXPECT_THROW(MapePercent({}, {}), ConfigError);
}

TEST(Nb201Validation, PredictorBeatsRooflineOnTheSample) {
  Nb201ValidationOptions o;
  o.hw_csv = std::string(SYMNAS_SOURCE_DIR) + "/tests/hw/data/nasbench201_hw_sample.csv";
  o.devices_dir = std::string(SYMNAS_SOURCE_DIR) + "/devices";
  o.train_size = 300;
  o.predictor.rounds = 300;
  o.predictor.eta = 0.1;
  const auto rows = ValidateNb201(o);
  ASSERT_EQ(rows.size(), 5u * 3u);  // 5 devices x (predictor, roofline, fitted roofline)
  for (size_t d = 0; d < 5; ++d) {
    const QualityRow& pred = rows[3 * d];
    const QualityRow& roof = rows[3 * d + 2];
    EXPECT_EQ(pred.estimator, "predictor");
    EXPECT_EQ(pred.test_size, 300);
    EXPECT_GT(pred.kendall_tau, roof.kendall_tau) << pred.device;
    EXPECT_GT(pred.kendall_tau, 0.6) << pred.device;
  }
  EXPECT_NE(FormatQualityTable(rows).find("gold_6226"), std::string::npos);
  o.train_size = 1000;
  EXPECT_THROW(ValidateNb201(o), ConfigError);
}

}  // namespace
}  // namespace symnas::hw
