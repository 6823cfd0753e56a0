// Seeded random sequential CNNs (conv-BN-ReLU blocks, pools, global pool, dense) as LayerLists,
// used to compare the `lut` estimator with `measured` and in estimator conformance tests.
#pragma once

#include "symnas/common/layer_spec.hpp"

namespace symnas::hw {

/// Shape limits of the generated networks.
struct RandomCnnOptions {
  int input_channels = 1;
  int input_hw = 28;  ///< Fashion-MNIST sized by default
  int min_blocks = 2;
  int max_blocks = 6;
  int max_channels = 64;
  int num_classes = 10;
};

/// One network drawn with `seed`: blocks of conv (k in {1,3,5}) + BN + activation, an optional
/// max/avg pool after a block while the map is >= 4x4, then global pool, flatten, dense.
LayerList RandomSequentialCnn(unsigned seed, const RandomCnnOptions& options = {});

}  // namespace symnas::hw
