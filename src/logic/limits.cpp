// ResourceMeter: elapsed time and estimated bytes of one inference -> LimitExceeded errors.
#include "symnas/logic/limits.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdio>

#include "symnas/logic/errors.hpp"

namespace symnas::logic {

namespace {

// Resident bytes of this process (Linux /proc/self/statm); 0 when unknown.
std::size_t ResidentBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long size = 0, resident = 0;
  const int n = std::fscanf(f, "%lu %lu", &size, &resident);
  std::fclose(f);
  return n == 2 ? resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE)) : 0;
}

void ThrowMemory(const ResourceLimits& limits, const char* stage) {
  throw LimitExceeded(
      fmt::format("inference needs more than the memory limit of {} MiB ({}); raise the limit "
                  "(symnas prob --max-memory MIB) or make the program's grounding smaller",
                  limits.max_memory_bytes >> 20, stage),
      "MemoryLimitExceeded");
}

}  // namespace

ResourceMeter::ResourceMeter(const ResourceLimits& limits)
    : limits_(limits),
      start_(std::chrono::steady_clock::now()),
      start_rss_(limits.max_memory_bytes > 0 ? ResidentBytes() : 0) {}

double ResourceMeter::Seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ResourceMeter::Check(const char* stage, std::size_t bytes_in_use) {
  if (limits_.max_memory_bytes > 0 && bytes_in_use > limits_.max_memory_bytes) {
    ThrowMemory(limits_, stage);
  }
  if (++calls_ % kClockStride != 0) return;
  if (limits_.max_memory_bytes > 0 && start_rss_ > 0) {
    const std::size_t rss = ResidentBytes();
    if (rss > start_rss_ && rss - start_rss_ > limits_.max_memory_bytes) {
      ThrowMemory(limits_, stage);
    }
  }
  if (limits_.max_seconds <= 0) return;
  if (Seconds() > limits_.max_seconds) {
    throw LimitExceeded(fmt::format("inference took longer than the time limit of {:g} s ({}); "
                                    "raise the limit (symnas prob --timeout SECONDS) or make the "
                                    "program's grounding smaller",
                                    limits_.max_seconds, stage),
                        "TimeLimitExceeded");
  }
}

}  // namespace symnas::logic
