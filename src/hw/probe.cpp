// Host -> HostProbe (GEMM GFLOP/s, copy bandwidth, RAM) -> devices/host.yaml text.
#include "symnas/hw/probe.hpp"

#include <fmt/chrono.h>
#include <fmt/core.h>
#include <unistd.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cstring>
#include <vector>

namespace symnas::hw {

namespace {
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double ProbeGemm() {
  constexpr int kN = 512;
  Eigen::setNbThreads(1);
  const Eigen::MatrixXf a = Eigen::MatrixXf::Random(kN, kN);
  const Eigen::MatrixXf b = Eigen::MatrixXf::Random(kN, kN);
  Eigen::MatrixXf c(kN, kN);
  double best = 0;
  for (int rep = 0; rep < 8; ++rep) {
    const auto start = Clock::now();
    c.noalias() = a * b;
    const double s = Seconds(start);
    best = std::max(best, 2.0 * kN * kN * kN / s / 1e9);
  }
  return best + 0 * c(0, 0);
}

double ProbeCopy() {
  constexpr size_t kBytes = 64u << 20;
  std::vector<char> src(kBytes, 1), dst(kBytes, 0);
  double best = 0;
  for (int rep = 0; rep < 6; ++rep) {
    const auto start = Clock::now();
    std::memcpy(dst.data(), src.data(), kBytes);
    const double s = Seconds(start);
    best = std::max(best, 2.0 * kBytes / s / 1e9);  // read + write
    src[static_cast<size_t>(rep)] = dst[static_cast<size_t>(rep) + 1];
  }
  return best;
}
}  // namespace

HostProbe ProbeHost() {
  HostProbe p;
  p.gemm_gflops = ProbeGemm();
  p.copy_bandwidth_gbps = ProbeCopy();
  p.ram_bytes = static_cast<long long>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE);
  return p;
}

std::string HostProfileYaml(const HostProbe& p) {
  const auto now = std::chrono::system_clock::now();
  std::string y = fmt::format(
      "# The machine symnas runs on, measured by `symnas hw probe` on {:%Y-%m-%d %H:%M} UTC.\n"
      "# Single-thread figures (symnas times networks with 1 thread). Re-run the probe on your\n"
      "# machine; figures from a loaded machine are noisy (best of several runs is kept).\n"
      "name: host\n"
      "description: this machine, 1 thread, measured by symnas hw probe\n"
      "# Best of 8 single-thread 512x512 fp32 GEMMs with Eigen (2 N^3 FLOPs each).\n"
      "peak_gflops: {:.2f}\n"
      "# Best of 6 memcpy of 64 MiB, counting bytes read + written.\n"
      "memory_bandwidth_gbps: {:.2f}\n",
      fmt::gmtime(std::chrono::system_clock::to_time_t(now)), p.gemm_gflops, p.copy_bandwidth_gbps);
  if (p.layer_overhead_us > 0) {
    y += fmt::format(
        "# Median libtorch time of a ReLU on 1 element (dispatch overhead per layer).\n"
        "layer_overhead_us: {:.2f}\n",
        p.layer_overhead_us);
  } else {
    y += "# Not measured (built without libtorch).\nlayer_overhead_us: 0\n";
  }
  y += fmt::format(
      "# Physical memory (sysconf _SC_PHYS_PAGES x _SC_PAGE_SIZE).\n"
      "ram_bytes: {}\n"
      "# Energy cannot be measured from user space here: a typical desktop/server core figure,\n"
      "# ~15 W per active core / measured GFLOP/s, and Horowitz ISSCC 2014 DRAM energy (160 "
      "pJ/B).\n"
      "energy_pj_per_flop: {:.1f}\n"
      "energy_pj_per_byte: 160\n"
      "idle_power_w: 0\n",
      p.ram_bytes, p.gemm_gflops > 0 ? 15.0 / p.gemm_gflops * 1e3 : 0.0);
  return y;
}

}  // namespace symnas::hw
