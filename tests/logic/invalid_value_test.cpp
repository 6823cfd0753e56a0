// Probabilities that are not probabilities (issue 16), and the time/memory limits of Infer.
// ProbLog 2.2.10 rejects 1.5::a and -0.2::a (InvalidValue); it accepts 0.6::a; 0.7::b and
// answers b 0.7, which no distribution gives, so we reject that too.
#include <gtest/gtest.h>

#include <string>

#include "symnas/logic/logic.hpp"

namespace symnas::logic {
namespace {

void ExpectInvalid(const std::string& text, int line, int column) {
  try {
    Infer(Program::FromText(text, "p.pl"));
    FAIL() << "expected InvalidValue for " << text;
  } catch (const InvalidValue& e) {
    EXPECT_EQ(e.location().file, "p.pl");
    EXPECT_EQ(e.location().line, line) << e.what();
    EXPECT_EQ(e.location().column, column) << e.what();
  }
}

TEST(InvalidValueTest, LiteralProbabilitiesOutsideTheUnitInterval) {
  ExpectInvalid("1.5::a.\nquery(a).\n", 1, 6);
  ExpectInvalid("b.\n-0.2::a.\nquery(a).\n", 2, 7);
  ExpectInvalid("x.\n1.5::problem(high_lr) :- x.\nquery(problem(_)).\n", 2, 6);
}

TEST(InvalidValueTest, AnnotatedDisjunctionSummingAboveOne) {
  ExpectInvalid("0.6::a; 0.7::b.\nquery(b).\n", 1, 14);
  // Float rounding of a proper distribution is not an error.
  auto answers = Infer(Program::FromText("0.1::a; 0.2::b; 0.7::c.\nquery(c).\n"));
  EXPECT_NEAR(answers.at(0).probability, 0.7, 1e-12);
}

TEST(InvalidValueTest, ComputedProbabilityCheckedWhenGrounded) {
  ExpectInvalid("p(2).\nX::a :- p(X).\nquery(a).\n", 2, 4);
  // The rule base alone loads (the probability is only known per instance).
  EXPECT_NO_THROW(Program::FromText("X::a :- p(X).\n"));
}

const char* kSubsets =
    "subset([], []).\nsubset([H|T], [H|S]) :- subset(T, S).\nsubset([_|T], S) :- subset(T, S).\n"
    "0.5::pick(L) :- subset([0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,"
    "25,26,27,28,29], L).\nquery(pick(_)).\n";

TEST(LimitsTest, ExplodingGroundingStopsAtTheMemoryLimit) {
  InferenceOptions options;
  options.limits.max_seconds = 0;
  options.limits.max_memory_bytes = std::size_t{64} << 20;
  try {
    Infer(Program::FromText(kSubsets), options);
    FAIL() << "expected MemoryLimitExceeded";
  } catch (const LimitExceeded& e) {
    EXPECT_EQ(e.class_name(), "MemoryLimitExceeded");
  }
}

}  // namespace
}  // namespace symnas::logic
