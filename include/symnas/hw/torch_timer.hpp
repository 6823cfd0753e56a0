// libtorch timing of LayerLists (library symnas_hw_torch): a sequential LayerList -> a
// torch::nn::Sequential run at batch 1 on the CPU, warm-up then median of N, threads fixed.
#pragma once

#include <memory>

#include "symnas/hw/timer.hpp"

namespace symnas::hw {

/// A NetworkTimer backed by libtorch on the host CPU. Sets the intra-op thread count.
std::shared_ptr<NetworkTimer> MakeTorchTimer(const TimingOptions& options = {});

/// Checks that `layers` chain (each input shape = previous output) and that every op can be
/// built (no kAdd); throws ArchError naming the first offending layer.
void CheckSequential(const LayerList& layers);

}  // namespace symnas::hw
