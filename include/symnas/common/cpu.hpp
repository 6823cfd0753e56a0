// CPU set-up for the processes that train and time networks: how many threads the BLAS may use
// (libtorch's own intra-op count is torch::set_num_threads; OpenBLAS keeps a pool of its own,
// one thread per core by default, which a "one thread per trial" setting does not reach), and
// how the C allocator keeps freed memory; denormals flushed. No libtorch here: the BLAS is found in
// the process.
#pragma once

namespace symnas {

/// Sets the BLAS's thread count to `threads` (OpenBLAS's openblas_set_num_threads, looked up in
/// the running process; a no-op under another BLAS) and, once per process, makes glibc's malloc
/// keep freed memory instead of returning it to the kernel after every step: a training step
/// frees and re-allocates the same multi-megabyte activations, and returned memory costs a page
/// fault and a zeroed page per 4 KiB when it comes back (docs/nn.md, "Trainer speed"). Also
/// flushes denormal floats to zero in the calling thread and threads it creates afterwards
/// (x86 MXCSR FTZ and DAZ, as torch.set_flush_denormal(True); a no-op elsewhere): training drives
/// gradients into the denormal range, where oneDNN's convolution backward ran up to 17x slower.
void ConfigureCpuForTraining(int threads);

}  // namespace symnas
