// Inputs whose size decides a recursion depth (issue 16): long lists, long left-deep sums, deep
// proofs. Each either works or raises a located error; none may overflow the stack. The suite
// runs with the default 8 MiB stack, where every case below crashed before.
#include <gtest/gtest.h>

#include <string>

#include "symnas/logic/logic.hpp"

namespace symnas::logic {
namespace {

std::string LongList(int n) {
  std::string s = "[";
  for (int i = 0; i <= n; ++i) s += (i ? "," : "") + std::to_string(i);
  return s + "]";
}

std::string LongSum(int n) {
  std::string s = "1";
  for (int i = 1; i < n; ++i) s += "+1";
  return s;
}

TEST(DeepInputTest, LongGroundListInAQuery) {
  auto answers = Infer(Program::FromText("a(" + LongList(60000) + ").\nquery(a(_)).\n", "t.pl"));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].probability, 1.0);
  EXPECT_EQ(answers[0].atom.substr(0, 10), "a([0, 1, 2");  // the printer handles it too
}

TEST(DeepInputTest, LongArithmeticSum) {
  auto answers = Infer(
      Program::FromText("q :- X is " + LongSum(50000) + ", X =:= 50000.\nquery(q).\n", "t.pl"));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].probability, 1.0);
}

TEST(DeepInputTest, UnifyCompareAndCopyLongTerms) {
  // Unification binds into a long list, ==/@< walk two long lists, findall copies one.
  std::string l = LongList(60000);
  auto answers = Infer(Program::FromText(
      "a(" + l +
          ").\nb([0|T]) :- a([_|T]).\n"
          "q :- a(X), b([_|Y]), X = [_|Z], Z == Y, findall(W, a(W), [V]), V == X, \\+ X @< V.\n"
          "query(q).\n",
      "t.pl"));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].probability, 1.0);
}

TEST(DeepInputTest, LongSumBuiltAtRuntimeAndPrinted) {
  auto answers = Infer(Program::FromText(
      "e(E) :- E = " + LongSum(30000) + ".\nq(V) :- e(E), V is E.\nquery(q(_)).\n", "t.pl"));
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].atom, "q(30000)");
}

TEST(DeepInputTest, DeepProofIsALocatedErrorNotACrash) {
  // 10 million levels of recursion cannot fit any stack: a RecursionTooDeep error at the clause.
  const char* text =
      "count(0).\ncount(N) :- N > 0, M is N - 1, count(M).\nquery(count(10000000)).\n";
  try {
    Infer(Program::FromText(text, "deep.pl"));
    FAIL() << "expected RecursionTooDeep";
  } catch (const GroundingError& e) {
    EXPECT_EQ(e.class_name(), "RecursionTooDeep");
    EXPECT_EQ(e.location().file, "deep.pl");
    EXPECT_GT(e.location().line, 0);
  }
}

}  // namespace
}  // namespace symnas::logic
