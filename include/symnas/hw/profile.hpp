// Device profiles: a YAML file (devices/<name>.yaml) -> DeviceProfile with peak compute, memory
// bandwidth, memory capacities and energy parameters. Errors carry file:line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace symnas::hw {

/// What the cost models know about one device. Units are in the field names.
struct DeviceProfile {
  std::string name;                         ///< e.g. "raspi4"
  std::string description;                  ///< one line
  std::string source_file;                  ///< the YAML file it came from ("" if built in code)
  double peak_gflops = 0;                   ///< fp32 peak compute, GFLOP/s (1 MAC = 2 FLOP)
  double memory_bandwidth_gbps = 0;         ///< sustained main-memory bandwidth, GB/s
  double layer_overhead_us = 0;             ///< fixed cost per layer (dispatch / kernel launch), us
  std::int64_t ram_bytes = 0;               ///< main memory (DRAM or on-chip SRAM) for activations
  std::optional<std::int64_t> sram_bytes;   ///< on-chip SRAM limit (microcontrollers)
  std::optional<std::int64_t> flash_bytes;  ///< flash for weights (microcontrollers)
  double energy_pj_per_flop = 0;            ///< dynamic energy per FLOP, pJ
  double energy_pj_per_byte = 0;            ///< energy per byte moved to/from main memory, pJ
  double idle_power_w = 0;                  ///< static power while the network runs, W
};

/// Parses one profile file. Throws ConfigError with file:line for a missing or invalid field
/// (missing required key, non-number, negative or zero bandwidth/compute).
DeviceProfile LoadProfile(const std::string& path);

/// Parses profile text (for tests and embedded profiles); `file_label` names it in errors.
DeviceProfile ParseProfile(const std::string& yaml_text, const std::string& file_label);

/// The directory holding the shipped profiles: $SYMNAS_DEVICES_DIR, else <source dir>/devices.
std::string DefaultDevicesDir();

/// Loads <dir>/<name>.yaml; UnknownNameError listing the profiles in `dir` when absent.
DeviceProfile LoadProfileByName(const std::string& name, const std::string& dir);

/// Names of the profiles (*.yaml) in `dir`, sorted.
std::vector<std::string> ListProfiles(const std::string& dir);

}  // namespace symnas::hw
