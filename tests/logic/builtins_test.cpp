// Built-ins and arithmetic through the whole pipeline: ProbLog's numeric quirks, unification and
// comparison, the lists library, and the error classes of bad goals.
#include <gtest/gtest.h>

#include "symnas/logic/errors.hpp"
#include "symnas/logic/inference.hpp"

namespace symnas::logic {
namespace {

// Evaluates `X is expr` and returns the printed value.
std::string Eval(const std::string& expr) {
  Program p = Program::FromText("r(X) :- X is " + expr + ".\nquery(r(_)).\n");
  auto answers = Infer(p);
  EXPECT_EQ(answers.size(), 1u) << expr;
  if (answers.empty()) return "<none>";
  return answers[0].args.at(0);
}

// Probability that `goal` succeeds (deterministic goals give 0 or 1).
double Holds(const std::string& goal, const std::string& extra = "") {
  Program p = Program::FromText(":- use_module(library(lists)).\n" + extra + "\nok :- " + goal +
                                ".\nquery(ok).\n");
  auto answers = Infer(p);
  EXPECT_EQ(answers.size(), 1u);
  return answers.empty() ? -1 : answers[0].probability;
}

TEST(ArithmeticTest, ProbLogNumericRules) {
  EXPECT_EQ(Eval("8 / 2"), "4.0");
  EXPECT_EQ(Eval("7 / 2"), "3.5");
  EXPECT_EQ(Eval("-7 // 2"), "-4");
  EXPECT_EQ(Eval("7.5 // 2"), "3.0");
  EXPECT_EQ(Eval("-7 mod 3"), "2");
  EXPECT_EQ(Eval("7 mod -3"), "-2");
  EXPECT_EQ(Eval("max(4, 4.0)"), "4");
  EXPECT_EQ(Eval("max(4.0, 4)"), "4.0");
  EXPECT_EQ(Eval("min(3, 2.5)"), "2.5");
  EXPECT_EQ(Eval("abs(-7)"), "7");
  EXPECT_EQ(Eval("7 * 0.8"), "5.600000000000001");
  EXPECT_EQ(Eval("0.1 + 0.2"), "0.3");
  EXPECT_EQ(Eval("1 / 3"), "0.333333333333333");
  EXPECT_EQ(Eval("2 ** 3"), "8");
  EXPECT_EQ(Eval("2 ** -1"), "0.5");
  EXPECT_EQ(Eval("2.0 ** 2"), "4.0");
  EXPECT_EQ(Eval("sqrt(16)"), "4.0");
  EXPECT_EQ(Eval("exp(0)"), "1.0");
  EXPECT_EQ(Eval("log(1)"), "0.0");
  EXPECT_EQ(Eval("floor(2.7)"), "2");
  EXPECT_EQ(Eval("ceiling(2.1)"), "3");
  EXPECT_EQ(Eval("round(2.5)"), "2");  // Python rounds half to even
  EXPECT_EQ(Eval("round(3.5)"), "4");
  EXPECT_EQ(Eval("truncate(-2.7)"), "-2");
  EXPECT_EQ(Eval("float(3)"), "3.0");
  EXPECT_EQ(Eval("(17 * 2 + 5) mod 7 - abs(5 - 10) // 3"), "3");
  EXPECT_EQ(Eval("3.2e7"), "32000000.0");
  EXPECT_EQ(Eval("integer(2.7)"), "2");  // ProbLog's integer/1 is Python's int()
  EXPECT_EQ(Eval("sign(-2.5)"), "-1");
  EXPECT_EQ(Eval("-7 rem 3"), "2");  // ProbLog's rem is Python's %
  EXPECT_EQ(Eval("exp(2, 3)"), "8.0");
  EXPECT_EQ(Eval("1.0e-20"), "0.0");  // stored as round(x, 15)
}

TEST(ArithmeticTest, ErrorsCarryClasses) {
  auto class_of = [](const std::string& expr) -> std::string {
    try {
      Eval(expr);
    } catch (const symnas::Error& e) {
      return e.class_name();
    }
    return "none";
  };
  EXPECT_EQ(class_of("1 / 0"), "ArithmeticError");
  EXPECT_EQ(class_of("1 // 0"), "ArithmeticError");
  EXPECT_EQ(class_of("5 mod 0"), "ArithmeticError");
  EXPECT_EQ(class_of("foo + 1"), "ArithmeticError");
  EXPECT_EQ(class_of("9223372036854775807 + 1"), "ArithmeticError");
  EXPECT_EQ(class_of("sqrt(-1)"), "ArithmeticError");
  EXPECT_EQ(class_of("Y + 1"), "InstantiationError");
}

TEST(ArithmeticTest, StoredFloatsAreRoundedTo15Decimals) {
  EXPECT_EQ(Holds("X is 0.1 + 0.2, X == 0.3"), 1.0);  // the stored result is round(x, 15)
  EXPECT_EQ(Holds("0.1 + 0.2 =:= 0.3"), 0.0);         // intermediate values are not rounded
  EXPECT_EQ(Holds("D is 0.91 - 0.62, D > 0.29"), 0.0);
  EXPECT_EQ(Holds("X = 0.1234567890123456789, X == 0.123456789012346"), 1.0);
}

TEST(BuiltinsTest, UnificationAndComparison) {
  EXPECT_EQ(Holds("1 == 1.0"), 0.0);
  EXPECT_EQ(Holds("1 = 1.0"), 0.0);
  EXPECT_EQ(Holds("1 =:= 1.0"), 1.0);
  EXPECT_EQ(Holds("1 =\\= 2"), 1.0);
  EXPECT_EQ(Holds("f(X, b) = f(a, Y), X == a, Y == b"), 1.0);
  EXPECT_EQ(Holds("f(X) \\= g(X)"), 1.0);
  EXPECT_EQ(Holds("X \\== Y"), 1.0);
  EXPECT_EQ(Holds("X = Y, X == Y"), 1.0);
  EXPECT_EQ(Holds("a @< b, 1 @< a, f(a) @> a"), 1.0);
  EXPECT_EQ(Holds("2 < 2.5, 3 >= 3, 2 =< 1"), 0.0);
  EXPECT_EQ(Holds("var(X), nonvar(a), atom(a), number(1.5), integer(2), float(2.0)"), 1.0);
  EXPECT_EQ(Holds("atomic(a), compound(f(x)), ground(f(a)), \\+ ground(f(_)), is_list([a])"), 1.0);
  EXPECT_EQ(Holds("between(1, 5, X), X > 4"), 1.0);
  EXPECT_EQ(Holds("succ(3, X), X == 4, succ(Y, 4), Y == 3"), 1.0);
  EXPECT_EQ(Holds("call(member, b, [a, b])"), 1.0);
}

TEST(BuiltinsTest, ListsLibrary) {
  EXPECT_EQ(Holds("length([a, b, c], 3)"), 1.0);
  EXPECT_EQ(Holds("length(L, 2), L = [x, y]"), 1.0);
  EXPECT_EQ(Holds("append([1], [2, 3], [1, 2, 3])"), 1.0);
  EXPECT_EQ(Holds("append(X, [c], [a, b, c]), X == [a, b]"), 1.0);
  EXPECT_EQ(Holds("last([1, 2, 3], 3)"), 1.0);
  EXPECT_EQ(Holds("nth0(1, [a, b, c], b), nth1(1, [a, b, c], a)"), 1.0);
  EXPECT_EQ(Holds("sum_list([1, 2.5, 3], S), S =:= 6.5"), 1.0);
  EXPECT_EQ(Holds("max_list([3, 9, 2], 9), min_list([3, 9, 2], 2)"), 1.0);
  EXPECT_EQ(Holds("reverse([1, 2, 3], [3, 2, 1])"), 1.0);
  EXPECT_EQ(Holds("select(b, [a, b, c], [a, c])"), 1.0);
  EXPECT_EQ(Holds("member(z, [a, b])"), 0.0);
}

TEST(BuiltinsTest, ControlConstructs) {
  EXPECT_EQ(Holds("(1 > 2 -> X = a ; X = b), X == b"), 1.0);
  EXPECT_EQ(Holds("(member(X, [c, d]) -> true ; X = e), X == c"), 1.0);
  EXPECT_EQ(Holds("(fail -> true)"), 0.0);
  EXPECT_EQ(Holds("once(member(X, [a, b])), X == a"), 1.0);
  EXPECT_EQ(Holds("findall(X-Y, (member(X, [1, 2]), Y is X * 10), L), L == [1-10, 2-20]"), 1.0);
  EXPECT_EQ(Holds("findall(X, member(X, []), L), L == []"), 1.0);
  EXPECT_THROW(Holds("(p -> true ; true)", "0.5::p."), GroundingError);
  // findall/3 over a probabilistic goal: one list per subset of the solutions (findall_test).
  EXPECT_NEAR(Holds("findall(x, p, [x])", "0.5::p."), 0.5, 1e-12);
}

TEST(BuiltinsTest, ProbabilisticMembership) {
  EXPECT_NEAR(Holds("member(X, [a, b]), p(X)", "0.5::p(a). 0.5::p(b)."), 0.75, 1e-12);
  EXPECT_NEAR(Holds("\\+ (member(X, [a, b]), \\+ p(X))", "0.5::p(a). 0.5::p(b)."), 0.25, 1e-12);
}

TEST(BuiltinsTest, GoalErrors) {
  auto class_of = [](const std::string& program) -> std::string {
    try {
      Infer(Program::FromText(program));
    } catch (const symnas::Error& e) {
      return e.class_name();
    }
    return "none";
  };
  EXPECT_EQ(class_of("a :- X.\nquery(a)."), "InstantiationError");
  EXPECT_EQ(class_of("a :- X = 3, X.\nquery(a)."), "TypeError");
  EXPECT_EQ(class_of("a :- 3.\nquery(a)."), "ParseError");
  EXPECT_EQ(class_of("a :- member(x, [x]).\nquery(a)."), "UnknownClause");  // no library
  EXPECT_EQ(class_of("a :- length(L, N).\nquery(a)."), "InstantiationError");
}

}  // namespace
}  // namespace symnas::logic
