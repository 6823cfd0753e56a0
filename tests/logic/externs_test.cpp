// Python externals (src/logic/externs.cpp, python_bridge.py): a tiny module written by the test,
// loaded with `:- use_module('lib.py').`; expected values as ProbLog 2.2 gives them for the same
// module and program (ProbLog's test/extern_test*.pl and by hand).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "symnas/common/error.hpp"
#include "symnas/logic/inference.hpp"
#include "symnas/logic/program.hpp"

namespace symnas::logic {
namespace {

constexpr const char* kModule =
    R"py(from problog.extern import problog_export, problog_export_nondet
from problog.extern import problog_export_raw
from problog.logic import Term

@problog_export("+str", "+str", "-str")
def concat_str(a, b):
    return a + b

@problog_export("+int", "+int", "-int", "-int")
def int_plus_times(a, b):
    return a + b, a * b

@problog_export("+list", "-list")
def rev(xs):
    return list(reversed(xs))

@problog_export("+float", "-float")
def half(x):
    return x / 2

@problog_export_nondet("+int", "+int", "-int")
def int_between(a, b):
    return range(a, b + 1)

@problog_export("+term", "-term")
def wrap(t):
    return Term("w", t)

@problog_export_raw("+term", "+term")
def pair(a, b, **kwargs):
    return [(x, y) for x, y in [(1, "a"), (2, "b")] if a in (None, x)]

@problog_export("+int", "-int")
def inverse(x):
    return 1 // x

@problog_export("+int", "-int")
def die(x):
    import os
    os._exit(3)
)py";

// A fresh folder holding lib.py and the program `text` as m.pl; returns m.pl's path.
std::string Write(const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / ("symnas_py_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "lib.py") << kModule;
  std::ofstream(dir / "m.pl") << ":- use_module('lib.py').\n" << text;
  return (dir / "m.pl").string();
}

std::map<std::string, double> AnswersOf(const std::string& text) {
  std::map<std::string, double> p;
  for (const QueryAnswer& a : Infer(Program::FromFile(Write(text)))) p[a.atom] = a.probability;
  return p;
}

// The error class and message of running `text`, "" if it ran.
std::pair<std::string, std::string> ErrorOf(const std::string& text) {
  try {
    Infer(Program::FromFile(Write(text)));
  } catch (const Error& e) {
    return {e.class_name(), e.what()};
  }
  return {"", ""};
}

TEST(ExternsTest, DeterministicFunctionsConvertStrIntListFloatAndTerm) {
  auto p = AnswersOf(
      "query(concat_str(a, b, _)).\nquery(int_plus_times(2, 3, _, _)).\n"
      "query(rev([a, 1, [b]], _)).\nquery(half(3.0, _)).\nquery(wrap(f(x), _)).\n"
      "q(Z) :- concat_str(x, y, Z).\nquery(q(_)).\n");
  EXPECT_EQ(p.size(), 6u);
  EXPECT_NEAR(p["concat_str(a,b,ab)"], 1.0, 1e-12);
  EXPECT_NEAR(p["int_plus_times(2,3,5,6)"], 1.0, 1e-12);
  EXPECT_NEAR(p["rev([a, 1, [b]],[[b], 1, a])"], 1.0, 1e-12);
  EXPECT_NEAR(p["half(3.0,1.5)"], 1.0, 1e-12);
  EXPECT_NEAR(p["wrap(f(x),w(f(x)))"], 1.0, 1e-12);
  EXPECT_NEAR(p["q(xy)"], 1.0, 1e-12);
}

TEST(ExternsTest, BoundOutputsThatDifferFail) {
  auto p = AnswersOf(
      "query(int_plus_times(1, 2, 3, 2)).\nquery(int_plus_times(1, 2, 3, 3)).\n"
      "p :- concat_str(x, y, xy).\nquery(p).\n0.5::r.\ns :- r, int_plus_times(1, 1, 2, 1).\n"
      "query(s).\n");
  EXPECT_NEAR(p["int_plus_times(1,2,3,2)"], 1.0, 1e-12);
  EXPECT_NEAR(p["int_plus_times(1,2,3,3)"], 0.0, 1e-12);
  EXPECT_NEAR(p["p"], 1.0, 1e-12);
  EXPECT_NEAR(p["s"], 0.5, 1e-12);
}

TEST(ExternsTest, NondeterministicAndRawFunctionsGiveOneAnswerPerResult) {
  auto p = AnswersOf(
      "b(X) :- int_between(1, 3, X).\nquery(b(_)).\nquery(b(5)).\nquery(pair(_, _)).\n"
      "query(pair(2, _)).\nquery(pair(_, a)).\n");
  EXPECT_NEAR(p["b(1)"], 1.0, 1e-12);
  EXPECT_NEAR(p["b(2)"], 1.0, 1e-12);
  EXPECT_NEAR(p["b(3)"], 1.0, 1e-12);
  EXPECT_NEAR(p["b(5)"], 0.0, 1e-12);
  EXPECT_NEAR(p["pair(1,a)"], 1.0, 1e-12);
  EXPECT_NEAR(p["pair(2,b)"], 1.0, 1e-12);
  EXPECT_EQ(p.count("pair(2,a)"), 0u);
  EXPECT_EQ(p.size(), 6u);
}

TEST(ExternsTest, WrongArgumentTypesAreCallModeErrors) {
  auto [cls, what] = ErrorOf("query(int_plus_times(a, 2, _, _)).\n");
  EXPECT_EQ(cls, "CallModeError") << what;
  EXPECT_NE(what.find("int_plus_times/4"), std::string::npos) << what;
  EXPECT_EQ(ErrorOf("p(X) :- concat_str(X, b, _).\nquery(p(_)).\n").first, "CallModeError");
  EXPECT_EQ(ErrorOf("query(rev([a|_], _)).\n").first, "CallModeError");
}

TEST(ExternsTest, PythonExceptionsAreErrorsOfTheirClassAtTheCall) {
  auto [cls, what] = ErrorOf("p(Y) :- inverse(0, Y).\nquery(p(_)).\n");
  EXPECT_EQ(cls, "ZeroDivisionError") << what;
  EXPECT_NE(what.find("m.pl:2"), std::string::npos) << what;
  EXPECT_NE(what.find("lib.py:35"), std::string::npos) << what;
}

TEST(ExternsTest, MissingOrBrokenModulesAreErrors) {
  std::string pl = Write("");
  std::ofstream(std::filesystem::path(pl).parent_path() / "bad.pl")
      << "a.\n:- use_module('nosuch.py').\n";
  try {
    Program::FromFile((std::filesystem::path(pl).parent_path() / "bad.pl").string());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("nosuch.py"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.pl:2"), std::string::npos) << e.what();
  }
  std::ofstream(std::filesystem::path(pl).parent_path() / "broken.py") << "import nosuchmodule\n";
  std::ofstream(std::filesystem::path(pl).parent_path() / "broken.pl")
      << ":- use_module('broken.py').\n";
  try {
    Program::FromFile((std::filesystem::path(pl).parent_path() / "broken.pl").string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.class_name(), "ModuleNotFoundError") << e.what();
  }
}

// Last: Python exits inside a call; the call is an error, and the next program starts a new one.
TEST(ExternsTest, APythonThatDiesIsAnErrorAndTheNextProgramRestartsIt) {
  auto [cls, what] = ErrorOf("query(die(1, _)).\n");
  EXPECT_EQ(cls, "ConfigError") << what;
  EXPECT_NE(what.find("exited with status 3"), std::string::npos) << what;
  // The Python to start is $SYMNAS_PYTHON when set.
  setenv("SYMNAS_PYTHON", "/nonexistent/python3", 1);
  auto [bad_cls, bad_what] = ErrorOf("query(concat_str(a, b, _)).\n");
  unsetenv("SYMNAS_PYTHON");
  EXPECT_EQ(bad_cls, "ConfigError") << bad_what;
  EXPECT_NE(bad_what.find("/nonexistent/python3"), std::string::npos) << bad_what;
  EXPECT_NEAR(AnswersOf("query(concat_str(a, b, _)).\n")["concat_str(a,b,ab)"], 1.0, 1e-12);
}

}  // namespace
}  // namespace symnas::logic
