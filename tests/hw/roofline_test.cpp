// Roofline on hand-computed layers: compute-bound conv, memory-bound add, overhead, energy.
#include "symnas/hw/roofline.hpp"

#include <gtest/gtest.h>

#include "symnas/hw/layer_builder.hpp"

namespace symnas::hw {
namespace {

DeviceProfile Toy() {
  DeviceProfile p;
  p.name = "toy";
  p.peak_gflops = 1;            // 1e6 FLOP per ms
  p.memory_bandwidth_gbps = 1;  // 1e6 bytes per ms
  p.energy_pj_per_flop = 2;
  p.energy_pj_per_byte = 10;
  return p;
}

TEST(Roofline, ComputeBoundConv) {
  // 3x3 conv 16->16 on 8x8, no bias: MACs = 9*16*16*64 = 147456; work = 294912 FLOP.
  // Traffic = 4 * (1024 in + 1024 out + 2304 weights) = 17408 B.
  LayerBuilder b(16, 8, 8);
  b.Conv("c", 16, 3);
  const RooflineResult r = Roofline(b.layers(), Toy());
  ASSERT_EQ(r.layers.size(), 1u);
  EXPECT_DOUBLE_EQ(r.layers[0].work_flops, 294912);
  EXPECT_DOUBLE_EQ(r.layers[0].traffic_bytes, 17408);
  EXPECT_DOUBLE_EQ(r.layers[0].compute_ms, 0.294912);
  EXPECT_DOUBLE_EQ(r.layers[0].memory_ms, 0.017408);
  EXPECT_DOUBLE_EQ(r.latency_ms, 0.294912);
  // Energy: 294912*2 + 17408*10 pJ = 764 . 0e3 pJ -> 7.64e-4 mJ.
  EXPECT_NEAR(r.energy_mj, (294912 * 2 + 17408 * 10) * 1e-9, 1e-15);
}

TEST(Roofline, MemoryBoundAddPlusOverheadAndIdlePower) {
  // add of 2 tensors 8x4x4 = 128 elements: work 128 FLOP, traffic 4*(256+128) = 1536 B.
  LayerBuilder b(8, 4, 4);
  b.Add("a", 2).Flatten("f");
  DeviceProfile p = Toy();
  p.layer_overhead_us = 5;
  p.idle_power_w = 3;
  const RooflineResult r = Roofline(b.layers(), p);
  EXPECT_DOUBLE_EQ(r.layers[0].work_flops, 128);
  EXPECT_DOUBLE_EQ(r.layers[0].traffic_bytes, 1536);
  EXPECT_DOUBLE_EQ(r.layers[0].latency_ms, 0.001536 + 0.005);
  EXPECT_DOUBLE_EQ(r.layers[1].latency_ms, 0);  // flatten is a view: no overhead
  EXPECT_DOUBLE_EQ(r.latency_ms, 0.006536);
  const double dynamic = (128 * 2 + 1536 * 10) * 1e-9;
  EXPECT_NEAR(r.energy_mj, dynamic + 3 * 0.006536, 1e-12);
}

TEST(Roofline, DoublingPeakHalvesComputeBoundLatency) {
  LayerBuilder b(32, 16, 16);
  b.Conv("c", 64, 3);
  DeviceProfile slow = Toy(), fast = Toy();
  fast.peak_gflops = 2;
  EXPECT_NEAR(Roofline(b.layers(), slow).latency_ms, 2 * Roofline(b.layers(), fast).latency_ms,
              1e-12);
}

}  // namespace
}  // namespace symnas::hw
