// Host probe: measures sustained single-thread GEMM throughput (Eigen) and memory bandwidth
// (large array copy) and writes them as a device profile (devices/host.yaml).
#pragma once

#include <string>

namespace symnas::hw {

/// Measured host figures.
struct HostProbe {
  double gemm_gflops = 0;          ///< best of several 512x512 fp32 GEMMs, 1 thread
  double copy_bandwidth_gbps = 0;  ///< best of several 64 MiB copies (read + write bytes)
  double layer_overhead_us = 0;    ///< libtorch dispatch of a tiny layer (0 when not measured)
  long long ram_bytes = 0;         ///< physical memory (sysconf)
};

/// Runs the measurements (about a second). Figures are noisy on a loaded machine.
HostProbe ProbeHost();

/// The profile YAML text for `probe`, each number commented with how it was measured and when.
std::string HostProfileYaml(const HostProbe& probe);

}  // namespace symnas::hw
