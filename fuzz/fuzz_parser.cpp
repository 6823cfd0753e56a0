// libFuzzer target: arbitrary bytes -> parser, program construction and term printing. Any
// symnas::Error is an expected outcome; crashes, hangs and sanitizer reports are failures.
// With FUZZ_ROUNDTRIP=1 set, the printed form of each clause must parse again; this is off by
// default because, as in ProbLog, operator atoms used as operands (`X = (=:=)`) print without
// the parentheses they need.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "symnas/logic/parser.hpp"
#include "symnas/logic/program.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace symnas::logic;
  try {
    TermArena arena;
    auto clauses = ParseProgramText(text, "fuzz.pl", arena);
    for (const ParsedClause& c : clauses) {
      std::string printed = ToString(c.term, &c.var_names) + " .\n";
      if (std::getenv("FUZZ_ROUNDTRIP")) {
        TermArena again;
        try {
          ParseProgramText(printed, "printed.pl", again);
        } catch (const symnas::Error& e) {
          std::fprintf(stderr, "round trip failed: %s\n%s\n", printed.c_str(), e.what());
          std::abort();
        }
      }
    }
  } catch (const symnas::Error&) {
  }
  try {
    Program program = Program::FromText(text, "fuzz.pl");
    std::string printed = program.ToText();
    (void)printed;
  } catch (const symnas::Error&) {
  }
  return 0;
}
