// Device profiles: the shipped files parse, bad files fail with ConfigError at file:line.
#include "symnas/hw/profile.hpp"

#include <gtest/gtest.h>

#include "symnas/common/error.hpp"
#include "symnas/hw/probe.hpp"

namespace symnas::hw {
namespace {

const std::string kDevices = std::string(SYMNAS_SOURCE_DIR) + "/devices";

const char* kGood =
    "name: toy\n"
    "peak_gflops: 10\n"
    "memory_bandwidth_gbps: 2\n"
    "ram_bytes: 1000\n"
    "energy_pj_per_flop: 1\n"
    "energy_pj_per_byte: 2\n";

TEST(Profile, ParsesRequiredAndOptionalFields) {
  const DeviceProfile p = ParseProfile(kGood, "toy.yaml");
  EXPECT_EQ(p.name, "toy");
  EXPECT_DOUBLE_EQ(p.peak_gflops, 10);
  EXPECT_DOUBLE_EQ(p.layer_overhead_us, 0);
  EXPECT_FALSE(p.sram_bytes.has_value());
}

TEST(Profile, EveryShippedProfileLoads) {
  const auto names = ListProfiles(kDevices);
  for (const char* required : {"cortex_m7", "edge_cpu", "host", "jetson_nano", "raspi4"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), required), names.end()) << required;
  }
  for (const auto& name : names) {
    const DeviceProfile p = LoadProfileByName(name, kDevices);
    EXPECT_EQ(p.name, name);
    EXPECT_GT(p.peak_gflops, 0);
    EXPECT_GT(p.memory_bandwidth_gbps, 0);
  }
  const DeviceProfile mcu = LoadProfileByName("cortex_m7", kDevices);
  ASSERT_TRUE(mcu.sram_bytes && mcu.flash_bytes);
  EXPECT_EQ(*mcu.sram_bytes, 320 * 1024);
  EXPECT_EQ(*mcu.flash_bytes, 1024 * 1024);
}

TEST(Profile, ProbeWritesAValidProfile) {
  HostProbe probe;
  probe.gemm_gflops = 12.5;
  probe.copy_bandwidth_gbps = 8.25;
  probe.layer_overhead_us = 3;
  probe.ram_bytes = 1LL << 33;
  const DeviceProfile p = ParseProfile(HostProfileYaml(probe), "host.yaml");
  EXPECT_EQ(p.name, "host");
  EXPECT_DOUBLE_EQ(p.peak_gflops, 12.5);
  EXPECT_DOUBLE_EQ(p.memory_bandwidth_gbps, 8.25);
  EXPECT_DOUBLE_EQ(p.layer_overhead_us, 3);
  EXPECT_EQ(p.ram_bytes, 1LL << 33);
}

TEST(Profile, MissingFieldIsConfigErrorWithLocation) {
  const std::string text =
      "name: toy\npeak_gflops: 10\nram_bytes: 1000\nenergy_pj_per_flop: 1\n"
      "energy_pj_per_byte: 2\n";
  try {
    ParseProfile(text, "toy.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(e.message().find("memory_bandwidth_gbps"), std::string::npos);
    EXPECT_EQ(e.location().file, "toy.yaml");
    EXPECT_GE(e.location().line, 1);
  }
}

TEST(Profile, NegativeBandwidthIsConfigErrorAtItsLine) {
  const std::string text =
      "name: toy\npeak_gflops: 10\nmemory_bandwidth_gbps: -3\nram_bytes: 1000\n"
      "energy_pj_per_flop: 1\nenergy_pj_per_byte: 2\n";
  try {
    ParseProfile(text, "toy.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.location().ToString().substr(0, 10), "toy.yaml:3");
    EXPECT_NE(std::string(e.what()).find("toy.yaml:3"), std::string::npos);
  }
}

TEST(Profile, NonNumberAndBadYamlAndUnknownName) {
  EXPECT_THROW(ParseProfile(std::string(kGood) + "idle_power_w: lots\n", "t.yaml"), ConfigError);
  EXPECT_THROW(ParseProfile("name: [unclosed\n", "t.yaml"), ConfigError);
  EXPECT_THROW(ParseProfile("- a list\n", "t.yaml"), ConfigError);
  try {
    LoadProfileByName("no_such_device", kDevices);
    FAIL();
  } catch (const UnknownNameError& e) {
    EXPECT_NE(e.message().find("raspi4"), std::string::npos);  // lists valid names
  }
}

}  // namespace
}  // namespace symnas::hw
