// Tests of the one option resolver and formatter (common/options.hpp): defaults filled, the
// user's values kept, and every error naming the table kind, the entry and the option.
#include "symnas/common/options.hpp"

#include <gtest/gtest.h>

#include "symnas/common/error.hpp"

namespace symnas {
namespace {

const std::vector<OptionSpec>& Specs() {
  static const std::vector<OptionSpec> kSpecs = {
      {"population", 20, "population size", 2},
      {"rate", 0.5, "a probability", 0.0, 1.0},
      {"mode", "best", "first or best"},
      {"rules", nlohmann::json::array(), "rule files"},
      {.name = "epochs",
       .default_value = nullptr,
       .description = "fixed epochs",
       .low = 1,
       .type = OptionType::kInteger},
      {.name = "keep",
       .default_value = "best",
       .description = "best, all or k",
       .type = OptionType::kAny},
  };
  return kSpecs;
}

const OptionOwner kOwner = {"strategy", "evo", ""};

/// The message of the ConfigError that resolving `user` against Specs() throws.
std::string ErrorOf(const nlohmann::json& user, const std::vector<OptionSpec>& specs = Specs()) {
  try {
    ResolveOptions(kOwner, specs, user);
  } catch (const ConfigError& e) {
    return e.message();
  }
  ADD_FAILURE() << "no ConfigError for " << user.dump();
  return "";
}

TEST(ResolveOptions, FillsDefaultsAndKeepsTheUsersValues) {
  const nlohmann::json out = ResolveOptions(kOwner, Specs(), {{"rate", 1}, {"epochs", 3}});
  EXPECT_EQ(out, nlohmann::json({{"population", 20},
                                 {"rate", 1},
                                 {"mode", "best"},
                                 {"rules", nlohmann::json::array()},
                                 {"epochs", 3},
                                 {"keep", "best"}}));
  EXPECT_FALSE(ResolveOptions(kOwner, Specs(), nullptr).contains("epochs"));
  EXPECT_EQ(ResolveOptions(kOwner, Specs(), {{"keep", 3}})["keep"], 3);
}

TEST(ResolveOptions, IsIdempotent) {
  const nlohmann::json once = ResolveOptions(kOwner, Specs(), {{"mode", "first"}});
  EXPECT_EQ(ResolveOptions(kOwner, Specs(), once), once);
}

TEST(ResolveOptions, SkipsTheSelector) {
  const nlohmann::json out = ResolveOptions(kOwner, Specs(), {{"kind", "evo"}}, "kind");
  EXPECT_FALSE(out.contains("kind"));
  EXPECT_NE(ErrorOf({{"kind", "evo"}}).find("unknown option 'kind'"), std::string::npos);
}

TEST(ResolveOptions, UnknownOptionListsTheValidOnes) {
  EXPECT_EQ(ErrorOf({{"populaton", 3}}),
            "strategy 'evo': unknown option 'populaton'; valid options: population, rate, mode, "
            "rules, epochs, keep");
  EXPECT_EQ(ErrorOf({{"x", 1}}, {}), "strategy 'evo': unknown option 'x'; valid options: none");
}

TEST(ResolveOptions, WrongTypeNamesTheTypeAndTheDefault) {
  EXPECT_EQ(ErrorOf({{"population", "big"}}),
            "strategy 'evo': option 'population' must be an integer (like 20), got \"big\"");
  EXPECT_EQ(ErrorOf({{"population", 2.5}}),
            "strategy 'evo': option 'population' must be an integer (like 20), got 2.5");
  EXPECT_EQ(ErrorOf({{"rate", true}}),
            "strategy 'evo': option 'rate' must be a number (like 0.5), got true");
  EXPECT_EQ(ErrorOf({{"rules", "a.pl"}}),
            "strategy 'evo': option 'rules' must be a list (like []), got \"a.pl\"");
  EXPECT_EQ(ErrorOf({{"epochs", "3"}}),
            "strategy 'evo': option 'epochs' must be an integer, got \"3\"");
  EXPECT_EQ(ErrorOf(3), "strategy 'evo': options must be a mapping, got 3");
}

TEST(ResolveOptions, OutOfRangeNamesTheBounds) {
  EXPECT_EQ(ErrorOf({{"rate", 1.5}}), "strategy 'evo': option 'rate' must be [0, 1], got 1.5");
  EXPECT_EQ(ErrorOf({{"population", 1}}),
            "strategy 'evo': option 'population' must be an integer >= 2, got 1");
  EXPECT_EQ(ErrorOf({{"epochs", 0}}),
            "strategy 'evo': option 'epochs' must be an integer >= 1, got 0");
}

TEST(ResolveOptions, RequiredOptionMissing) {
  const std::vector<OptionSpec> specs = {
      {.name = "model", .default_value = nullptr, .description = "model file", .required = true}};
  EXPECT_EQ(ErrorOf(nlohmann::json::object(), specs),
            "strategy 'evo': option 'model' is required (model file)");
  EXPECT_EQ(ResolveOptions(kOwner, specs, {{"model", "m.json"}})["model"], "m.json");
}

TEST(ResolveOptions, NestedPartIsNamed) {
  const OptionOwner owner = {"evaluator", "cnn", "latency"};
  try {
    ResolveOptions(owner, Specs(), {{"runs", 3}});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.message().rfind("evaluator 'cnn' latency: unknown option 'runs'", 0), 0u);
  }
}

TEST(FormatOptions, OneLinePerOptionWithDefaultAndBounds) {
  EXPECT_EQ(FormatOptions(Specs(), 2),
            "  population = 20 >= 2: population size\n"
            "  rate = 0.5 [0, 1]: a probability\n"
            "  mode = \"best\": first or best\n"
            "  rules = []: rule files\n"
            "  epochs (no default) >= 1: fixed epochs\n"
            "  keep = \"best\": best, all or k\n");
  EXPECT_EQ(FormatOptions({{"x", 1e-6, "small", 1e-9, 1e-2}}, 0),
            "x = 1e-06 [1e-09, 0.01]: small\n");
}

TEST(FormatOptions, EntryHasItsDescriptionAndOptions) {
  EXPECT_EQ(FormatEntry("evo", "evolution", {{"population", 20, "population size"}}),
            "  evo                  evolution\n      population = 20: population size\n");
  EXPECT_TRUE(HasOptionNamed(Specs(), "rules"));
  EXPECT_FALSE(HasOptionNamed(Specs(), "rule"));
}

}  // namespace
}  // namespace symnas
