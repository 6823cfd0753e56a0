// Test helper of the logic tests: a program's query answers as atom -> probability.
#pragma once

#include <map>
#include <string>

#include "symnas/logic/inference.hpp"
#include "symnas/logic/program.hpp"

namespace symnas::logic::testing {

inline std::map<std::string, double> Answers(const Program& program) {
  std::map<std::string, double> out;
  for (const QueryAnswer& a : Infer(program)) out[a.atom] = a.probability;
  return out;
}

/// Answers of a program given as text (named t.pl in errors).
inline std::map<std::string, double> Answers(const std::string& text) {
  return Answers(Program::FromText(text, "t.pl"));
}

}  // namespace symnas::logic::testing
