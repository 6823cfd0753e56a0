// Seed -> random sequential CNN LayerList (shapes, MACs, params filled by LayerBuilder).
#include "symnas/hw/random_cnn.hpp"

#include <random>
#include <string>

#include "symnas/hw/layer_builder.hpp"

namespace symnas::hw {

LayerList RandomSequentialCnn(unsigned seed, const RandomCnnOptions& o) {
  std::mt19937 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const char* kActivations[] = {"relu", "relu", "elu", "swish"};
  const int kKernels[] = {1, 3, 3, 5};
  LayerBuilder b(o.input_channels, o.input_hw, o.input_hw);
  const int blocks = pick(o.min_blocks, o.max_blocks);
  for (int i = 0; i < blocks; ++i) {
    const std::string p = "b" + std::to_string(i);
    const int channels = 8 * pick(1, o.max_channels / 8);
    const int kernel = std::min(kKernels[pick(0, 3)], b.height());
    const int stride = b.height() >= 8 && pick(0, 3) == 0 ? 2 : 1;
    b.Conv(p + ".conv", channels, kernel, stride, 1, pick(0, 1) == 1).BatchNorm(p + ".bn");
    b.Activation(p + ".act", kActivations[pick(0, 3)]);
    if (b.height() >= 4 && pick(0, 2) == 0) {
      if (pick(0, 1) == 0) {
        b.MaxPool(p + ".pool", 2, 2, false);
      } else {
        b.AvgPool(p + ".pool", 3, 2, true);
      }
    }
  }
  b.GlobalAvgPool("gap").Flatten("flatten");
  if (pick(0, 1) == 1) b.Dense("fc1", 8 * pick(4, 16)).Activation("fc1.act").Dropout("drop");
  b.Dense("classifier", o.num_classes);
  return b.Take();
}

}  // namespace symnas::hw
