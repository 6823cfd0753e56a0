// libFuzzer target: arbitrary bytes as a study YAML -> ParseStudyConfig with the search layer's
// strategy table (issue 16). A symnas::Error (ConfigError with file:line:col) is the expected
// outcome of bad input; any other exception would reach the user as an InternalError, and is
// reported as a failure here, like crashes, hangs and sanitizer reports.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "symnas/common/error.hpp"
#include "symnas/search/strategy.hpp"
#include "symnas/search/study_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    symnas::search::ParseStudyConfig(text, "fuzz.yaml", symnas::search::SearchStrategies());
  } catch (const symnas::Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "not a symnas::Error: %s\n", e.what());
    std::abort();
  }
  return 0;
}
