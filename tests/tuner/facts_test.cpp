// Tests of fact extraction: EMA, integrals, threshold relaxation, ProbLog text of the facts.
#include "symnas/tuner/facts.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace symnas::tuner {
namespace {

TEST(Facts, EmaWeightsThePreviousValueBySixTenths) {
  const auto smoothed = Ema({1.0, 0.0, 0.0});
  ASSERT_EQ(smoothed.size(), 3u);
  EXPECT_DOUBLE_EQ(smoothed[0], 1.0);
  EXPECT_DOUBLE_EQ(smoothed[1], 0.6);
  EXPECT_DOUBLE_EQ(smoothed[2], 0.36);
  EXPECT_TRUE(Ema({}).empty());
}

TEST(Facts, TrapezoidAndSlopeIntegrals) {
  // 2, 1, 0.5, 0.5: trapezoids 1.5 + 0.75 + 0.5 = 2.75; line 2 -> 0.5 over 3 steps = 3.75.
  EXPECT_DOUBLE_EQ(TrapezoidIntegral({2.0, 1.0, 0.5, 0.5}), 2.75);
  EXPECT_DOUBLE_EQ(SlopeIntegral({2.0, 1.0, 0.5, 0.5}), 3.75);
  // A straight line integrates to its own slope integral.
  EXPECT_DOUBLE_EQ(TrapezoidIntegral({3.0, 2.0, 1.0}), SlopeIntegral({3.0, 2.0, 1.0}));
  EXPECT_DOUBLE_EQ(TrapezoidIntegral({1.0}), 0.0);
  EXPECT_DOUBLE_EQ(SlopeIntegral({1.0}), 0.0);
}

TEST(Facts, ThresholdsRelaxAtIterationsSevenTenThirteen) {
  EXPECT_DOUBLE_EQ(ThresholdsAtIteration(1).lacc, 0.15);
  EXPECT_DOUBLE_EQ(ThresholdsAtIteration(6).hloss, 1.2);
  EXPECT_DOUBLE_EQ(ThresholdsAtIteration(7).lacc, 0.125);  // 0.15/2 + 0.05
  EXPECT_DOUBLE_EQ(ThresholdsAtIteration(7).hloss, 0.75);  // 1.2/2 + 0.15
  EXPECT_DOUBLE_EQ(ThresholdsAtIteration(9).hloss, 0.75);
  EXPECT_DOUBLE_EQ(ThresholdsAtIteration(10).lacc, 0.1125);  // 0.125/2 + 0.05
  EXPECT_DOUBLE_EQ(ThresholdsAtIteration(10).hloss, 0.525);  // 0.75/2 + 0.15
  EXPECT_DOUBLE_EQ(ThresholdsAtIteration(13).lacc, 0.10625);
  EXPECT_DOUBLE_EQ(ThresholdsAtIteration(40).hloss, 0.4125);
}

TEST(Facts, PrologNumbersAndAtoms) {
  EXPECT_EQ(PrologFloat(2.0), "2.0");
  EXPECT_EQ(PrologFloat(0.25), "0.25");
  EXPECT_EQ(PrologFloat(12000000.0), "12000000.0");
  EXPECT_EQ(PrologFloat(1.5e-7), "1.5e-07");
  EXPECT_EQ(PrologFloat(1e20), "1.0e+20");
  EXPECT_EQ(PrologAtom("flops"), "flops");
  EXPECT_EQ(PrologAtom("latency_ms"), "latency_ms");
  EXPECT_EQ(PrologAtom("Mem-Bytes"), "'Mem-Bytes'");
  EXPECT_EQ(PrologAtom("it's"), "'it\\'s'");
}

search::EvalResult SampleResult() {
  search::EvalResult result;
  result.curves.train_loss = {2.0, 1.0};
  result.curves.train_acc = {0.5, 0.75};
  result.curves.val_loss = {2.0, std::numeric_limits<double>::quiet_NaN()};
  result.curves.val_acc = {0.4, 0.5};
  result.accuracy = 0.5;
  result.metrics = {{"flops", 2e7}, {"params", 1000.0}, {"accuracy", 0.5}};
  return result;
}

TEST(Facts, ExtractSanitisesCurvesAndKeepsHardwareBudgetsOnly) {
  const auto facts =
      ExtractFacts(SampleResult(), {{"flops", 1e7}, {"accuracy", 0.9}}, /*iteration=*/1);
  EXPECT_DOUBLE_EQ(facts.raw.val_loss[1], 1e6);  // NaN of a diverged run -> a very bad loss
  EXPECT_DOUBLE_EQ(facts.smoothed.train_loss[1], 0.6 * 2.0 + 0.4 * 1.0);
  EXPECT_DOUBLE_EQ(facts.int_loss, (2.0 + 1e6) / 2);
  EXPECT_EQ(facts.metrics.count("accuracy"), 0u);
  EXPECT_EQ(facts.budgets.size(), 1u);
  EXPECT_DOUBLE_EQ(facts.budgets.at("flops"), 1e7);
}

TEST(Facts, PrologTextHasEveryFact) {
  const auto text = FactsToProlog(ExtractFacts(SampleResult(), {{"flops", 1e7}}, 1));
  EXPECT_NE(text.find("l([2.0, 1.0]).\n"), std::string::npos) << text;
  EXPECT_NE(text.find("a([0.5, 0.75]).\n"), std::string::npos);
  EXPECT_NE(text.find("va([0.4, 0.5]).\n"), std::string::npos);
  EXPECT_NE(text.find("sl([2.0, 1.6]).\n"), std::string::npos);
  EXPECT_NE(text.find("lacc(0.15).\nhloss(1.2).\n"), std::string::npos);
  EXPECT_NE(text.find("metric(flops, 20000000.0).\n"), std::string::npos);
  EXPECT_NE(text.find("metric(params, 1000.0).\n"), std::string::npos);
  EXPECT_NE(text.find("budget(flops, 10000000.0).\n"), std::string::npos);
  EXPECT_NE(text.find("flops(20000000.0).\nflops_th(10000000.0).\n"), std::string::npos);
  EXPECT_NE(text.find("nparams(1000.0).\n"), std::string::npos);
  EXPECT_EQ(text.find("nparams_th"), std::string::npos);  // no params budget set
}

TEST(Facts, EmptyCurvesGiveNoListFacts) {
  search::EvalResult result;
  result.metrics = {{"flops", 5.0}};
  const auto text = FactsToProlog(ExtractFacts(result, {}, 1));
  EXPECT_EQ(text.find("l(["), std::string::npos);
  EXPECT_EQ(text.find("int_loss"), std::string::npos);
  EXPECT_NE(text.find("metric(flops, 5.0)."), std::string::npos);
}

}  // namespace
}  // namespace symnas::tuner
