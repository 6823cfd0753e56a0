// Tests of search spaces: validation, edits (and their replay), projection, unit-cube encoding,
// the seed-000 default space and the YAML form.
#include "symnas/search/space.hpp"

#include <gtest/gtest.h>

#include "symnas/common/error.hpp"
#include "symnas/search/cnn_template.hpp"
#include "symnas/search/study_config.hpp"
#include "symnas/strategies/table.hpp"

namespace symnas::search {
namespace {

SearchSpace Small() {
  return SearchSpace({Dimension::Int("n", 1, 10, 5),
                      Dimension::Real("lr", 1e-4, 1e-2, 1e-3, Scale::kLog),
                      Dimension::Categorical("opt", {"adam", "sgd", "rmsprop"}, "adam"),
                      Dimension::Fixed("blocks", std::int64_t{2})});
}

TEST(SpaceTest, RejectsBadDimensions) {
  EXPECT_THROW(SearchSpace({Dimension::Int("n", 5, 1, 3)}), ConfigError);
  EXPECT_THROW(SearchSpace({Dimension::Real("lr", 0.0, 1.0, 0.5, Scale::kLog)}), ConfigError);
  EXPECT_THROW(SearchSpace({Dimension::Categorical("c", {"a", "a"}, "a")}), ConfigError);
  EXPECT_THROW(SearchSpace({Dimension::Int("n", 1, 5, 9)}), ConfigError);
  EXPECT_THROW(SearchSpace({Dimension::Int("n", 1, 5, 2), Dimension::Int("n", 1, 5, 2)}),
               ConfigError);
}

TEST(SpaceTest, SamplesStayInsideAndAreSeeded) {
  SearchSpace s = Small();
  std::mt19937_64 a(3), b(3);
  for (int i = 0; i < 200; ++i) {
    Params p = s.Sample(a);
    EXPECT_TRUE(s.Contains(p));
    EXPECT_EQ(p, s.Sample(b));
    EXPECT_EQ(AsInt(p.at("blocks")), 2);
  }
}

TEST(SpaceTest, LogDimensionIsSampledLogUniformly) {
  SearchSpace s({Dimension::Real("lr", 1e-4, 1e-2, 1e-3, Scale::kLog)});
  std::mt19937_64 rng(1);
  int below = 0;
  for (int i = 0; i < 4000; ++i) below += AsDouble(s.Sample(rng).at("lr")) < 1e-3;
  EXPECT_NEAR(below / 4000.0, 0.5, 0.03);  // 1e-3 is the log-midpoint
}

TEST(SpaceTest, EncodeDecodeRoundTripAndSnap) {
  SearchSpace s = Small();
  EXPECT_EQ(s.EncodedSize(), 1 + 1 + 3);  // fixed dimension has no coordinate
  Params p{{"n", std::int64_t{10}},
           {"lr", 1e-3},
           {"opt", std::string("sgd")},
           {"blocks", std::int64_t{2}}};
  Eigen::VectorXd x = s.Encode(p);
  EXPECT_DOUBLE_EQ(x[0], 1.0);
  EXPECT_NEAR(x[1], 0.5, 1e-12);
  EXPECT_EQ(x.tail(3), Eigen::Vector3d(0, 1, 0));
  Params back = s.Decode(x);
  EXPECT_EQ(AsInt(back.at("n")), 10);
  EXPECT_NEAR(AsDouble(back.at("lr")), 1e-3, 1e-15);
  EXPECT_EQ(AsString(back.at("opt")), "sgd");
  Eigen::VectorXd raw(5);
  raw << 0.52, 0.3, 0.2, 0.1, 0.7;  // n -> 1 + round(0.52 * 9) = 6; opt -> rmsprop
  Eigen::VectorXd snapped = s.Snap(raw);
  EXPECT_NEAR(snapped[0], 5.0 / 9.0, 1e-12);
  EXPECT_EQ(snapped.tail(3), Eigen::Vector3d(0, 0, 1));
  EXPECT_THROW(s.Decode(Eigen::VectorXd::Zero(3)), ConfigError);
}

TEST(SpaceTest, EditsApplyValidateAndReplay) {
  SearchSpace s = Small();
  const SearchSpace initial = s;
  s.Apply(SpaceEdit::Bounds(SpaceEditKind::kShrinkBounds, "n", 2, 6, {"dec_layers", 3, ""}));
  s.Apply(SpaceEdit::Bounds(SpaceEditKind::kShiftBounds, "n", 4, 8, {"shift", 4, ""}));
  s.Apply(SpaceEdit::Add(Dimension::Real("wd", 1e-6, 1e-1, 1e-4, Scale::kLog), Value{1e-6},
                         {"reg_l2", 5, ""}));
  s.Apply(SpaceEdit::Fix("opt", std::string("sgd"), {"user", -1, ""}));
  s.Apply(SpaceEdit::Fix("blocks", std::int64_t{3}, {"new_conv_layer", 6, ""}));
  s.Apply(SpaceEdit::Remove("lr", {"user", 7, ""}));
  EXPECT_EQ(s.At("n").low, 4);
  EXPECT_EQ(s.At("n").high, 8);
  EXPECT_EQ(AsInt(s.At("n").default_value), 5);
  EXPECT_TRUE(s.At("opt").fixed);
  EXPECT_EQ(AsInt(s.At("blocks").default_value), 3);
  EXPECT_FALSE(s.Has("lr"));
  EXPECT_EQ(s.history().size(), 6u);
  // Invalid edits throw and leave the space unchanged.
  EXPECT_THROW(s.Apply(SpaceEdit::Bounds(SpaceEditKind::kShrinkBounds, "n", 1, 9, {})),
               ConfigError);
  EXPECT_THROW(s.Apply(SpaceEdit::Bounds(SpaceEditKind::kExpandBounds, "n", 5, 6, {})),
               ConfigError);
  EXPECT_THROW(s.Apply(SpaceEdit::Remove("missing", {})), ConfigError);
  EXPECT_THROW(s.Apply(SpaceEdit::Add(Dimension::Int("n", 1, 2, 1), Value{std::int64_t{1}}, {})),
               ConfigError);
  EXPECT_EQ(s.history().size(), 6u);
  // Replaying the JSON form of the history on the initial space rebuilds the same space.
  SearchSpace replay = initial;
  for (const auto& e : s.history()) replay.Apply(SpaceEdit::FromJson(e.ToJson()));
  EXPECT_EQ(replay.ToJson(), s.ToJson());
  EXPECT_EQ(s.history()[2].ToString(),
            "add_dimension wd real log [1e-06, 0.1], past trials had 1e-06 (reg_l2 @ trial 5)");
}

TEST(SpaceTest, OldCandidatesProjectAndEncodeAfterEdits) {
  SearchSpace s = Small();
  Params old{{"n", std::int64_t{10}},
             {"lr", 1e-3},
             {"opt", std::string("sgd")},
             {"blocks", std::int64_t{2}}};
  s.Apply(SpaceEdit::Bounds(SpaceEditKind::kShrinkBounds, "n", 1, 4, {}));
  s.Apply(SpaceEdit::Add(Dimension::Int("units", 16, 64, 32), Value{std::int64_t{16}}, {}));
  s.Apply(SpaceEdit::Remove("opt", {}));
  Eigen::VectorXd x = s.Encode(old);
  ASSERT_EQ(x.size(), 3);
  EXPECT_DOUBLE_EQ(x[0], 2.0);  // (10 - 1) / 3 = 3 is clamped to 2: outside the new cube
  EXPECT_DOUBLE_EQ(x[2], 0.0);  // missing dimension takes the past value 16 = the lower bound
  Params projected = s.Project(old);
  EXPECT_TRUE(s.Contains(projected));
  EXPECT_EQ(AsInt(projected.at("n")), 4);
  EXPECT_EQ(AsInt(projected.at("units")), 16);
  EXPECT_FALSE(projected.count("opt"));
}

TEST(SpaceTest, ValidateNamesTheProblem) {
  SearchSpace s = Small();
  Params p = s.Defaults();
  p["n"] = std::int64_t{11};
  try {
    s.Validate(p);
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("n=11 is outside int [1, 10]"), std::string::npos)
        << e.what();
  }
  p = s.Defaults();
  p["typo"] = 1.0;
  EXPECT_THROW(s.Validate(p), ConfigError);
}

TEST(SpaceTest, Seed000SpaceUsesTheCanonicalNames) {
  SearchSpace s = Seed000Space();
  for (const char* name :
       {"conv_blocks", "convs_per_block", "filters_0", "filters_1", "kernel_size", "activation",
        "batch_norm", "pool", "conv_dropout", "dense_layers", "units_0", "dense_dropout",
        "optimizer", "learning_rate", "batch_size", "augment"}) {
    EXPECT_TRUE(s.Has(name)) << name;
  }
  EXPECT_EQ(s.dimensions().size(), 16u);
  EXPECT_EQ(s.At("filters_0").DomainString(), "int [16, 64]");
  EXPECT_EQ(s.At("learning_rate").scale, Scale::kLog);
  EXPECT_TRUE(s.At("conv_blocks").fixed);
  EXPECT_TRUE(s.Contains(s.Defaults()));
}

TEST(SpaceTest, YamlSpaceMatchesBuiltInAndReportsLocations) {
  SearchSpace yaml =
      LoadStudyConfig(std::string(SYMNAS_SOURCE_DIR) + "/examples/seed000_default_space.yaml",
                      strategies::Strategies())
          .space;
  EXPECT_EQ(yaml.ToJson(), Seed000Space().ToJson());
  SearchSpace based = ParseSpaceYaml(
      "base: seed000\nfilters_0: {type: int, low: 8, high: 16, default: 8}\n", "x.yaml");
  EXPECT_EQ(based.At("filters_0").high, 16);
  try {
    ParseSpaceYaml("a: {type: int, low: 1, high: 5}\nb: {type: real, low: 2, high: 1}\n",
                   "bad.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.location().file, "bad.yaml");
    EXPECT_EQ(e.location().line, 2);
  }
  EXPECT_THROW(ParseSpaceYaml("a: {type: int, lo: 1}\n", "bad.yaml"), ConfigError);
  EXPECT_THROW(ParseStudyConfig("trials: 3\nstrateg: bo\n", "s.yaml", strategies::Strategies()),
               ConfigError);
  EXPECT_THROW(ParseStudyConfig("trials: -3\n", "s.yaml", strategies::Strategies()), ConfigError);
  EXPECT_THROW(ParseStudyConfig("trials: [3\n", "s.yaml", strategies::Strategies()), ConfigError);
}

}  // namespace
TEST(SpaceTest, Seed000DefaultsAreTheCnnTemplateDefaults) {
  const SearchSpace space = Seed000Space();
  for (const Dimension& d : space.dimensions()) {
    const auto template_default = CnnTemplateDefault(d.name);
    ASSERT_TRUE(template_default.has_value()) << d.name << " is not a CNN template parameter";
    EXPECT_EQ(ValueToString(d.default_value), ValueToString(*template_default)) << d.name;
  }
  EXPECT_EQ(CnnTemplateInt("filters_2"), 128);
  EXPECT_EQ(CnnTemplateInt("units_5"), kCnnTemplateUnits);
  EXPECT_FALSE(CnnTemplateDefault("filters_x").has_value());
  EXPECT_FALSE(CnnTemplateDefault("depth").has_value());
  EXPECT_THROW(CnnTemplateInt("pool"), std::logic_error);
}

}  // namespace symnas::search
