// Time and memory bounds of one inference (grounding, formula, decision diagram, counting), so a
// program whose grounding explodes ends with a clear error instead of eating the machine.
#pragma once

#include <chrono>
#include <cstddef>

namespace symnas::logic {

/// Bounds of one inference. Memory counts the engine's own structures (terms, ground program,
/// decision diagram and its caches), estimated from their sizes, not the process RSS, so limits
/// hold per inference even beside a training run in the same process.
struct ResourceLimits {
  double max_seconds = 60.0;                            ///< 0: no time limit
  std::size_t max_memory_bytes = std::size_t{2} << 30;  ///< 0: no memory limit (2 GiB default)
};

/// Measures one inference against its limits. Check() is cheap enough to call per goal or per
/// decision-diagram node: it reads the clock only every kClockStride calls.
class ResourceMeter {
 public:
  explicit ResourceMeter(const ResourceLimits& limits);

  /// Throws LimitExceeded (class TimeLimitExceeded or MemoryLimitExceeded) naming `stage` when
  /// the time is up, or when `bytes_in_use` (the engine's own estimate) or, sampled with the
  /// clock, the growth of the process's resident memory since the meter was made is over the
  /// memory limit (the estimate misses allocator and hash-table overhead: a 256 MiB limit once
  /// let a grounding reach 450 MB).
  void Check(const char* stage, std::size_t bytes_in_use);
  /// Seconds since the meter was made.
  double Seconds() const;
  const ResourceLimits& limits() const { return limits_; }

 private:
  static constexpr unsigned kClockStride = 1024;
  ResourceLimits limits_;
  std::chrono::steady_clock::time_point start_;
  unsigned calls_ = 0;
  std::size_t start_rss_ = 0;  ///< resident bytes when the meter was made (0: unknown)
};

}  // namespace symnas::logic
