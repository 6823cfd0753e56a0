// Architecture features for the learned latency predictor: LayerList -> fixed-length vector of
// totals (FLOPs, params, depth), op counts, and per-stage summaries of shapes and work.
#pragma once

#include <string>
#include <vector>

#include "symnas/common/layer_spec.hpp"

namespace symnas::hw {

/// Number of resolution stages summarised separately; deeper stages fold into the last one.
inline constexpr int kFeatureStages = 4;

/// Names of the features, in the order of ArchFeatures (stable: saved models depend on it).
const std::vector<std::string>& ArchFeatureNames();

/// Features of a network. A stage starts at the first layer whose feature map is smaller than
/// every earlier one (stride or pooling; global pooling excluded). Per stage: MACs, params, element
/// traffic, conv 1x1 / 3x3 / other counts, pools, adds, normalisation + activation layers, and the
/// stage's resolution.
std::vector<double> ArchFeatures(const LayerList& layers);

}  // namespace symnas::hw
