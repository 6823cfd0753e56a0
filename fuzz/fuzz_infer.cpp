// libFuzzer target: arbitrary bytes -> program -> grounding, formula, decision diagram and
// counting (Infer) under tight time and memory limits. Any symnas::Error (including
// TimeLimitExceeded, MemoryLimitExceeded, RecursionTooDeep) is an expected outcome; crashes,
// hangs and sanitizer reports are failures. Inputs without a query get query(_) on each fact
// head they define, so grounding is exercised by most inputs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "symnas/logic/logic.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  using namespace symnas::logic;
  try {
    Program program = Program::FromText(text, "fuzz.pl");
    if (program.queries().empty()) {
      for (const Clause& c : program.clauses()) {
        if (c.library || c.heads.empty()) continue;
        const Term* h = c.heads[0];
        std::string goal = *h->name;
        if (h->arity > 0) {
          goal += "(_";
          for (std::uint32_t i = 1; i < h->arity; ++i) goal += ",_";
          goal += ")";
        }
        program.AddQuery(goal);
        break;
      }
    }
    InferenceOptions options;
    options.limits.max_seconds = 2.0;
    options.limits.max_memory_bytes = std::size_t{256} << 20;
    options.max_bdd_nodes = 1'000'000;
    (void)Infer(program, options);
  } catch (const symnas::Error&) {
  }
  return 0;
}
