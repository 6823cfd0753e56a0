// Study-config errors located in the user's YAML (issue 16): duplicate keys, unknown strategy,
// strategy options and objective budgets are checked when the file is read, at file:line:col.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "symnas/common/error.hpp"
#include "symnas/search/study_config.hpp"
#include "symnas/strategies/table.hpp"

namespace symnas::search {
namespace {

constexpr const char* kTail =
    "objective: {kind: accuracy}\nevaluator: {kind: synthetic, function: branin}\n";

SourceLocation ErrorAt(const std::string& yaml) {
  try {
    ParseStudyConfig(yaml, "s.yaml", strategies::Strategies());
  } catch (const ConfigError& e) {
    return e.location();
  }
  ADD_FAILURE() << "no ConfigError for:\n" << yaml;
  return {};
}

TEST(ConfigErrorsTest, DuplicateTopLevelKey) {
  SourceLocation at = ErrorAt(std::string("name: t\ntrials: 2\ntrials: 4\n") + kTail);
  EXPECT_EQ(at.file, "s.yaml");
  EXPECT_EQ(at.line, 3);
}

TEST(ConfigErrorsTest, DuplicateNestedKey) {
  SourceLocation at = ErrorAt(
      "name: t\nevaluator:\n  kind: synthetic\n  function: branin\n  function: hartmann6\n");
  EXPECT_EQ(at.line, 5);
  EXPECT_EQ(at.column, 3);
}

TEST(ConfigErrorsTest, UnknownStrategyAtItsKey) {
  SourceLocation at = ErrorAt(std::string("name: t\nstrategy: gradient_magic\n") + kTail);
  EXPECT_EQ(at.file, "s.yaml");
  EXPECT_EQ(at.line, 2);
}

TEST(ConfigErrorsTest, UnknownStrategyOptionAtTheOption) {
  SourceLocation at =
      ErrorAt(std::string("name: t\nstrategy: random\nstrategy_options:\n  bogus: 3\n") + kTail);
  EXPECT_EQ(at.line, 4);
}

TEST(ConfigErrorsTest, NegativeBudgetAtTheBudget) {
  SourceLocation at = ErrorAt(
      "name: t\nobjective:\n  kind: constrained\n  maximise: accuracy\n  constraints:\n"
      "    flops: -5\nevaluator: {kind: synthetic, function: branin}\n");
  EXPECT_EQ(at.line, 6);
  EXPECT_EQ(at.column, 5);
}

TEST(ConfigErrorsTest, UnknownObjectiveAtItsKey) {
  SourceLocation at = ErrorAt(
      "name: t\nobjective: {kind: happiness}\nevaluator: {kind: synthetic, function: branin}\n");
  EXPECT_EQ(at.line, 2);
}

TEST(ConfigErrorsTest, EveryShippedExampleStillParses) {
  const std::filesystem::path dir = std::filesystem::path(SYMNAS_SOURCE_DIR) / "examples";
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NO_THROW(ParseStudyConfig(text.str(), entry.path().string(), strategies::Strategies()))
        << entry.path();
    ++parsed;
  }
  EXPECT_GT(parsed, 5);
}

}  // namespace
}  // namespace symnas::search
