// Parser and printer: operator precedence, lists, numbers, quoting, ProbLog float printing, and
// error classes with file:line:col locations.
#include "symnas/logic/parser.hpp"

#include <gtest/gtest.h>

#include "symnas/logic/errors.hpp"
#include "symnas/logic/program.hpp"

namespace symnas::logic {
namespace {

std::string Roundtrip(const std::string& clause) {
  TermArena arena;
  auto clauses = ParseProgramText(clause, "t.pl", arena);
  EXPECT_EQ(clauses.size(), 1u);
  return ToString(clauses.at(0).term, &clauses.at(0).var_names);
}

TEST(ParserTest, OperatorsPrintWithoutSpacesAndKeepPrecedence) {
  EXPECT_EQ(Roundtrip("X is 1 + 2 * 3."), "X is 1+2*3");
  EXPECT_EQ(Roundtrip("X is (1 + 2) * 3."), "X is (1+2)*3");
  EXPECT_EQ(Roundtrip("X = a - b - c."), "X=a-b-c");
  EXPECT_EQ(Roundtrip("X = a - (b - c)."), "X=a-(b-c)");
  EXPECT_EQ(Roundtrip("a :- b, c ; d."), "a :- (b, c); d");  // ProbLog: a nested And in ( )
  EXPECT_EQ(Roundtrip("p((a, b), (c; d))."), "p((a, b),c; d)");
  // Symbol-character atoms print quoted, as ProbLog prints compare/3's '<'; operators do not.
  EXPECT_EQ(Roundtrip("p('<', '+', a + b, '=..')."), "p('<','+',a+b,'=..')");
  EXPECT_EQ(Roundtrip("a :- \\+ b, c."), "a :- \\+b, c");
  EXPECT_EQ(Roundtrip("X = 2 ^ 3 ^ 2."), "X=2^3^2");
  EXPECT_EQ(Roundtrip("X = Y mod 3."), "X=Y mod 3");
  EXPECT_EQ(Roundtrip("p(X) :- X >= 1, X =< 2, X =\\= 3."), "p(X) :- X>=1, X=<2, X=\\=3");
}

TEST(ParserTest, ClauseStructure) {
  TermArena arena;
  auto clauses = ParseProgramText("0.2::a; 0.5::b :- c.\n", "t.pl", arena);
  ASSERT_EQ(clauses.size(), 1u);
  const Term* t = clauses[0].term;
  ASSERT_TRUE(t->Is(Intern(":-"), 2));
  EXPECT_TRUE(t->args[0]->Is(Intern(";"), 2));
  EXPECT_TRUE(t->args[0]->args[0]->Is(Intern("::"), 2));
  EXPECT_EQ(clauses[0].line, 1);
}

TEST(ParserTest, ListsNumbersAndQuotes) {
  EXPECT_EQ(Roundtrip("p([a, b, c])."), "p([a, b, c])");
  EXPECT_EQ(Roundtrip("p([a, b | T])."), "p([a, b | T])");
  EXPECT_EQ(Roundtrip("p([])."), "p([])");
  EXPECT_EQ(Roundtrip("p(-1, -2.5, 3.2e7, 2.0e7, 1.0e-10)."),
            "p(-1,-2.5,32000000.0,20000000.0,1e-10)");
  EXPECT_EQ(Roundtrip("p('Hello World', 'abc', [])."), "p('Hello World',abc,[])");
  EXPECT_EQ(Roundtrip("p('it''s')."), "p('it\\'s')");
  EXPECT_EQ(Roundtrip("p(f(X, Y), X)."), "p(f(X,Y),X)");
}

TEST(ParserTest, VariablesNumberedPerClause) {
  TermArena arena;
  auto clauses = ParseProgramText("p(X, Y, X, _, _).\nq(Z).", "t.pl", arena);
  ASSERT_EQ(clauses.size(), 2u);
  EXPECT_EQ(clauses[0].num_vars, 4);  // X, Y and two distinct anonymous variables
  EXPECT_EQ(clauses[1].num_vars, 1);
  EXPECT_EQ(clauses[1].var_names[0], "Z");
}

TEST(ParserTest, CommentsAreSkipped) {
  TermArena arena;
  auto clauses = ParseProgramText("% c\na. /* block\n comment */ b. % end", "t.pl", arena);
  ASSERT_EQ(clauses.size(), 2u);
  EXPECT_EQ(clauses[1].line, 3);
}

TEST(FormatFloatTest, MatchesPythonReprOfRound15) {
  EXPECT_EQ(FormatFloat(3.0), "3.0");
  EXPECT_EQ(FormatFloat(8.0 / 2), "4.0");
  EXPECT_EQ(FormatFloat(3.2e7), "32000000.0");
  EXPECT_EQ(FormatFloat(1e20), "1e+20");
  EXPECT_EQ(FormatFloat(1e16), "1e+16");
  EXPECT_EQ(FormatFloat(1e15), "1000000000000000.0");
  EXPECT_EQ(FormatFloat(1e-10), "1e-10");
  EXPECT_EQ(FormatFloat(0.0025), "0.0025");
  EXPECT_EQ(FormatFloat(0.0001), "0.0001");
  EXPECT_EQ(FormatFloat(7 * 0.8), "5.600000000000001");
  EXPECT_EQ(FormatFloat(0.6432 - 0.643), "0.0002");
  EXPECT_EQ(FormatFloat(0.1 + 0.2), "0.3");
  EXPECT_EQ(FormatFloat(1.0 / 3), "0.333333333333333");
  EXPECT_EQ(FormatFloat(-0.5), "-0.5");
  EXPECT_EQ(FormatFloat(0.0), "0.0");
  EXPECT_EQ(FormatFloat(72.0), "72.0");
}

template <class E>
SourceLocation ErrorAt(const std::string& text) {
  TermArena arena;
  try {
    ParseProgramText(text, "bad.pl", arena);
  } catch (const E& e) {
    return e.location();
  }
  ADD_FAILURE() << "no " << typeid(E).name() << " for: " << text;
  return {};
}

TEST(ParserErrorTest, MissingOperatorReportsTokenLocation) {
  auto where = ErrorAt<ParseError>("0.6::rain.\nwet :- rain sprinkler.\n");
  EXPECT_EQ(where.file, "bad.pl");
  EXPECT_EQ(where.line, 2);
  EXPECT_EQ(where.column, 13);
}

TEST(ParserErrorTest, UnmatchedParenthesisIsUnmatchedCharacter) {
  auto where = ErrorAt<UnmatchedCharacter>("a.\noutcome :- (heads ; tails.\n");
  EXPECT_EQ(where.line, 2);
  EXPECT_EQ(where.column, 12);
  ErrorAt<UnmatchedCharacter>("p(a, b.\n");
  ErrorAt<UnmatchedCharacter>("p([a, b).\n");
  ErrorAt<UnmatchedCharacter>("p) .\n");
}

TEST(ParserErrorTest, OtherErrors) {
  ErrorAt<UnexpectedCharacter>("p :- {a}.\n");
  ErrorAt<ParseError>("p :- 'unterminated.\n");
  ErrorAt<ParseError>("p :- q");  // no final '.'
  ErrorAt<ParseError>("p(a,).\n");
  ErrorAt<ParseError>("/* open comment\n");
  ErrorAt<ParseError>("p(99999999999999999999999).\n");
  // UnmatchedCharacter is a ParseError, and every parse error is a symnas::Error.
  EXPECT_THROW(ErrorAt<UnmatchedCharacter>("p(.\n"), ParseError);
  try {
    TermArena arena;
    ParseProgramText("p :- (a.\n", "x.pl", arena);
    FAIL();
  } catch (const symnas::Error& e) {
    EXPECT_EQ(e.class_name(), "UnmatchedCharacter");
    EXPECT_NE(std::string(e.what()).find("x.pl:1:6"), std::string::npos) << e.what();
  }
}

TEST(ProgramTest, ClassifiesClauses) {
  Program p = Program::FromText(R"(
    :- use_module(library(lists)).
    a.
    b :- a.
    0.3::c.
    0.4::d(X) :- e(X).
    0.2::x; 0.5::y.
    t(0.5)::l(R) :- r(R).
    t(_)::m.
    query(b).
    evidence(c, false).
    evidence(a).
  )");
  ASSERT_EQ(p.clauses().size(), 7u);
  EXPECT_FALSE(p.clauses()[0].probabilistic());
  EXPECT_EQ(p.clauses()[4].heads.size(), 2u);
  ASSERT_EQ(p.tunables().size(), 2u);
  EXPECT_EQ(p.tunables()[0].key, "t(0.5)::l(R)");
  EXPECT_DOUBLE_EQ(p.tunables()[0].start, 0.5);
  EXPECT_TRUE(p.tunables()[1].random_start);
  EXPECT_EQ(p.queries().size(), 1u);
  ASSERT_EQ(p.evidence().size(), 2u);
  EXPECT_FALSE(p.evidence()[0].value);
  EXPECT_TRUE(p.evidence()[1].value);
  EXPECT_NE(p.Lookup(Intern("member"), 2).refs, nullptr);  // library loaded
  EXPECT_EQ(p.Lookup(Intern("nope"), 1).refs, nullptr);
}

TEST(ProgramTest, ListsLibraryOnlyWhenLoaded) {
  Program p = Program::FromText("a.");
  EXPECT_EQ(p.Lookup(Intern("member"), 2).refs, nullptr);
  EXPECT_THROW(Program::FromText(":- use_module(library(nosuch))."), UnknownNameError);
  EXPECT_THROW(Program::FromText(":- initialization(main)."), ParseError);
  EXPECT_THROW(Program::FromText("evidence(a, maybe)."), ParseError);
  EXPECT_THROW(Program::FromText("3."), ParseError);
}

TEST(ProgramTest, CopiesAreIndependentAndPrintAsProbLog) {
  Program base = Program::FromText("0.5::a.\nb :- a, \\+ c.\nc :- fail.\n");
  Program copy = base;
  copy.AddClause("d(1)");
  copy.AddQuery("b");
  EXPECT_EQ(base.clauses().size(), 3u);
  EXPECT_EQ(copy.clauses().size(), 4u);
  EXPECT_EQ(base.queries().size(), 0u);
  EXPECT_EQ(copy.ToText(), "0.5::a.\nb :- a, \\+c.\nc :- fail.\nd(1).\nquery(b).\n");
  EXPECT_THROW(Program::FromFile("/nonexistent/file.pl"), ConfigError);
}

}  // namespace
}  // namespace symnas::logic
