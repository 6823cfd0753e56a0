// Tests of parameter values and their JSON round trip.
#include "symnas/search/types.hpp"

#include <gtest/gtest.h>

#include "symnas/common/error.hpp"

namespace symnas::search {
namespace {

TEST(TypesTest, JsonRoundTripKeepsKinds) {
  Params params{{"filters_0", std::int64_t{32}}, {"lr", 0.001}, {"optimizer", std::string("adam")}};
  Params back = ParamsFromJson(ParamsToJson(params));
  EXPECT_EQ(back, params);
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(back.at("filters_0")));
  EXPECT_TRUE(std::holds_alternative<double>(back.at("lr")));
}

TEST(TypesTest, NumericViews) {
  EXPECT_DOUBLE_EQ(AsDouble(Value{std::int64_t{3}}), 3.0);
  EXPECT_EQ(AsInt(Value{2.6}), 3);
  EXPECT_THROW(AsDouble(Value{std::string("adam")}), ConfigError);
  EXPECT_THROW(AsString(Value{1.5}), ConfigError);
}

TEST(TypesTest, StatusNames) {
  for (auto s : {TrialStatus::kRunning, TrialStatus::kComplete, TrialStatus::kFailed}) {
    EXPECT_EQ(TrialStatusFromName(TrialStatusName(s)), s);
  }
  EXPECT_THROW(TrialStatusFromName("done"), StoreError);
}

}  // namespace
}  // namespace symnas::search
