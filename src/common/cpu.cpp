// ConfigureCpuForTraining: the BLAS thread count through the symbol OpenBLAS exports (found with
// dlsym in the running process, so no link-time dependency on which BLAS provides libblas.so.3)
// and glibc's malloc thresholds.
#include "symnas/common/cpu.hpp"

#include <dlfcn.h>
#include <malloc.h>

#include <mutex>

namespace symnas {

CpuSetup ConfigureCpuForTraining(int threads) {
  CpuSetup setup;
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set(threads);
    setup.blas = "openblas";
    setup.blas_threads = threads;
  } else {
    setup.blas = "unknown";
  }
  static std::once_flag once;
  static bool retained = false;
  std::call_once(once, [] {
    // Allocations up to 32 MiB (glibc's largest mmap threshold) come from the heap, and the
    // heap is not trimmed below 1 GiB of free memory: a step's activations are reused, not
    // unmapped and faulted in again. The cost is that the process keeps its peak heap.
    retained = mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 1 << 30) == 1;
  });
  setup.retains_freed = retained;
  return setup;
}

}  // namespace symnas
