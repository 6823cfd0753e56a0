// ResourceMeter: elapsed time and estimated bytes of one inference -> LimitExceeded errors.
#include "symnas/logic/limits.hpp"

#include <fmt/core.h>

#include "symnas/logic/errors.hpp"

namespace symnas::logic {

double ResourceMeter::Seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ResourceMeter::Check(const char* stage, std::size_t bytes_in_use) {
  if (limits_.max_memory_bytes > 0 && bytes_in_use > limits_.max_memory_bytes) {
    throw LimitExceeded(
        fmt::format("inference needs more than the memory limit of {} MiB ({}); raise the limit "
                    "(symnas prob --max-memory MIB) or make the program's grounding smaller",
                    limits_.max_memory_bytes >> 20, stage),
        "MemoryLimitExceeded");
  }
  if (++calls_ % kClockStride != 0 || limits_.max_seconds <= 0) return;
  if (Seconds() > limits_.max_seconds) {
    throw LimitExceeded(fmt::format("inference took longer than the time limit of {:g} s ({}); "
                                    "raise the limit (symnas prob --timeout SECONDS) or make the "
                                    "program's grounding smaller",
                                    limits_.max_seconds, stage),
                        "TimeLimitExceeded");
  }
}

}  // namespace symnas::logic
