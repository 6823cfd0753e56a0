// NAS-Bench-201: parses a cell string ("|nor_conv_3x3~0|+|...|+|...|") and produces the
// LayerList of the full network (stem, 3 stages of 5 cells, residual reductions, classifier).
#pragma once

#include <array>
#include <string>

#include "symnas/common/layer_spec.hpp"

namespace symnas::hw {

/// The five NAS-Bench-201 edge operations; the value is the index used in one-hot features.
enum class Nb201Op { kNone = 0, kSkipConnect = 1, kConv1x1 = 2, kConv3x3 = 3, kAvgPool3x3 = 4 };

/// Number of edges of the 4-node cell (node j -> node i for 0 <= j < i <= 3).
inline constexpr int kNb201Edges = 6;
/// Number of operations an edge can take.
inline constexpr int kNb201Ops = 5;

/// A cell: ops[e] is the op of edge e in the order of the string: (0->1), (0->2), (1->2),
/// (0->3), (1->3), (2->3).
struct Nb201Cell {
  std::array<Nb201Op, kNb201Edges> ops{};
  /// Back to the canonical string form.
  std::string ToString() const;
};

/// The NAS-Bench-201 datasets: input size and classes of the network.
struct Nb201Dataset {
  std::string name;  ///< cifar10, cifar100 or imagenet16 (ImageNet16-120)
  int input_hw = 32;
  int num_classes = 10;
};

/// Parses a cell string; throws ArchError naming the bad token.
Nb201Cell ParseNb201Cell(const std::string& arch);

/// Looks up cifar10 / cifar100 / imagenet16 (also ImageNet16-120); UnknownNameError otherwise.
Nb201Dataset Nb201DatasetByName(const std::string& name);

/// snake_case op name as in the cell string ("nor_conv_3x3").
const char* Nb201OpName(Nb201Op op);

/// The whole network at batch 1. Cells are laid out edge by edge: each edge's layers are
/// followed by one kAdd per node that sums two or more edges. `none` edges produce no layer;
/// `skip_connect` produces none either (identity). Layer names carry stage/cell/edge, e.g.
/// "s1.c3.e2.conv". Each layer's flops use the NAS-Bench-201 convention (see Nb201Flops).
LayerList Nb201LayerList(const Nb201Cell& cell, const Nb201Dataset& dataset);

/// Which edges dead-code elimination removes.
enum class Nb201Prune {
  kOutputOnly,      ///< edges whose target node does not feed node 3 (graph-compiler DCE)
  kInputAndOutput,  ///< also edges whose source node gets no data from node 0
};

/// A cell after dead-code elimination. `connected` is false when no path of non-`none` edges
/// joins node 0 to node 3: the cell output, and so the network output, is then constant.
struct Nb201Pruned {
  Nb201Cell cell;
  bool connected = true;
};

/// Replaces the dead edges of a cell by `none` (see Nb201Prune).
Nb201Pruned PruneNb201Cell(const Nb201Cell& cell, Nb201Prune mode);

/// The network a dead-code-eliminating runtime (TFLite on raspi4 / pixel3 in the NAS-Bench-201
/// latency data) runs: Nb201LayerList of the kOutputOnly-pruned cell, or only the classifier
/// when the cell is disconnected (the rest folds to a constant).
LayerList Nb201EffectiveLayerList(const Nb201Cell& cell, const Nb201Dataset& dataset);

/// FLOPs of one layer by the convention of the NAS-Bench-201 / NASLib tables: convolution and
/// dense = MACs (no bias term), avg/max pool = k*k per output element, batch norm = 2 per
/// element, ReLU = 1 per element, global average pool = 1 per input element, add = 0.
double Nb201Flops(const LayerSpec& layer);

}  // namespace symnas::hw
