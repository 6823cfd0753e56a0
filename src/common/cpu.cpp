// ConfigureCpuForTraining: the BLAS thread count through the symbol OpenBLAS exports (found with
// dlsym in the running process, so no link-time dependency on which BLAS provides libblas.so.3)
// glibc's malloc thresholds, and flush-to-zero for denormal floats (x86's MXCSR).
#include "symnas/common/cpu.hpp"

#include <dlfcn.h>
#include <malloc.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include <mutex>

namespace symnas {
namespace {

void FlushDenormals() {
#if defined(__x86_64__) || defined(__i386__)
  // FTZ (bit 15): a result below FLT_MIN becomes 0; DAZ (bit 6): a denormal input reads as 0.
  _mm_setcsr(_mm_getcsr() | 0x8040);
#endif
}

}  // namespace

void ConfigureCpuForTraining(int threads) {
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set(threads);
  }
  static std::once_flag once;
  std::call_once(once, [] {
    // Allocations up to 32 MiB (glibc's largest mmap threshold) come from the heap, and the
    // heap is not trimmed below 1 GiB of free memory: a step's activations are reused, not
    // unmapped and faulted in again. The cost is that the process keeps its peak heap.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
  });
  FlushDenormals();
}

}  // namespace symnas
