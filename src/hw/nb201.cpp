// NAS-Bench-201 cell strings -> Nb201Cell -> LayerList of the full network (Dong & Yang 2020,
// "NAS-Bench-201", Sec. 2.1: stem conv3x3(16)+BN, 3 stages x 5 cells with C = 16, 32, 64,
// ResNet basic blocks with stride 2 between stages, BN+ReLU, global average pool, linear).
#include "symnas/hw/nb201.hpp"

#include <string>
#include <vector>

#include "symnas/common/error.hpp"
#include "symnas/hw/layer_builder.hpp"
#include "symnas/hw/roofline.hpp"

namespace symnas::hw {

namespace {
constexpr const char* kOpNames[kNb201Ops] = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3",
                                             "avg_pool_3x3"};
// Edge e joins node kEdgeFrom[e] to node kEdgeTo[e], in the order of the cell string.
constexpr int kEdgeFrom[kNb201Edges] = {0, 0, 1, 0, 1, 2};
constexpr int kEdgeTo[kNb201Edges] = {1, 2, 2, 3, 3, 3};

Nb201Op OpFromName(const std::string& token, const std::string& arch) {
  for (int i = 0; i < kNb201Ops; ++i) {
    if (token == kOpNames[i]) return static_cast<Nb201Op>(i);
  }
  throw ArchError("NAS-Bench-201 cell '" + arch + "': unknown op '" + token +
                  "'; valid ops: none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3");
}

// Splits "a|b||c" on '|' dropping empty pieces.
std::vector<std::string> SplitBars(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (ch == '|') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Appends the layers of one edge op (ReLU-Conv-BN or avg pool; none and skip emit nothing).
void AddEdge(LayerBuilder& b, Nb201Op op, const std::string& prefix) {
  const int c = b.channels();
  switch (op) {
    case Nb201Op::kNone:
    case Nb201Op::kSkipConnect:
      return;
    case Nb201Op::kConv1x1:
    case Nb201Op::kConv3x3:
      b.Activation(prefix + ".relu")
          .Conv(prefix + ".conv", c, op == Nb201Op::kConv1x1 ? 1 : 3)
          .BatchNorm(prefix + ".bn");
      return;
    case Nb201Op::kAvgPool3x3:
      b.AvgPool(prefix + ".pool", 3, 1, true);
      return;
  }
}

void AddCell(LayerBuilder& b, const Nb201Cell& cell, const std::string& prefix) {
  const int c = b.channels(), h = b.height(), w = b.width();
  for (int e = 0; e < kNb201Edges; ++e) {
    b.SetShape(c, h, w);
    AddEdge(b, cell.ops[e], prefix + ".e" + std::to_string(e));
    // After the last edge into node i, nodes with 2 or 3 inputs sum them.
    const bool last_into_node = e + 1 == kNb201Edges || kEdgeTo[e + 1] != kEdgeTo[e];
    if (last_into_node && kEdgeTo[e] >= 2) {
      b.SetShape(c, h, w).Add(prefix + ".n" + std::to_string(kEdgeTo[e]) + ".add", kEdgeTo[e]);
    }
  }
  b.SetShape(c, h, w);
}

// ResNet basic block with stride 2 (ReLU-Conv3x3(s2)-BN, ReLU-Conv3x3-BN; shortcut avg pool 2x2
// then conv1x1) as in the NAS-Bench-201 skeleton.
void AddReduction(LayerBuilder& b, int out_channels, const std::string& prefix) {
  const int c = b.channels(), h = b.height(), w = b.width();
  b.Activation(prefix + ".a.relu").Conv(prefix + ".a.conv", out_channels, 3, 2);
  b.BatchNorm(prefix + ".a.bn");
  b.Activation(prefix + ".b.relu").Conv(prefix + ".b.conv", out_channels, 3, 1);
  b.BatchNorm(prefix + ".b.bn");
  const int oh = b.height(), ow = b.width();
  b.SetShape(c, h, w).AvgPool(prefix + ".down.pool", 2, 2, false);
  b.Conv(prefix + ".down.conv", out_channels, 1);
  b.SetShape(out_channels, oh, ow).Add(prefix + ".add", 2);
}
}  // namespace

std::string Nb201Cell::ToString() const {
  std::string s = "|";
  for (int e = 0; e < kNb201Edges; ++e) {
    if (e > 0 && kEdgeTo[e] != kEdgeTo[e - 1]) s += "+|";
    s += std::string(kOpNames[static_cast<int>(ops[e])]) + "~" + std::to_string(kEdgeFrom[e]) + "|";
  }
  return s;
}

const char* Nb201OpName(Nb201Op op) { return kOpNames[static_cast<int>(op)]; }

Nb201Cell ParseNb201Cell(const std::string& arch) {
  const std::vector<std::string> tokens = SplitBars(arch);
  std::vector<std::string> edges;
  int node = 1;
  Nb201Cell cell;
  for (const std::string& tok : tokens) {
    if (tok == "+") {
      ++node;
      continue;
    }
    const auto tilde = tok.find('~');
    const int e = static_cast<int>(edges.size());
    if (tilde == std::string::npos || e >= kNb201Edges || kEdgeTo[e] != node ||
        tok.substr(tilde + 1) != std::to_string(kEdgeFrom[e])) {
      throw ArchError("NAS-Bench-201 cell '" + arch + "': token '" + tok +
                      "' out of place; expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2|");
    }
    cell.ops[e] = OpFromName(tok.substr(0, tilde), arch);
    edges.push_back(tok);
  }
  if (edges.size() != kNb201Edges) {
    throw ArchError("NAS-Bench-201 cell '" + arch + "' has " + std::to_string(edges.size()) +
                    " edges, expected 6");
  }
  return cell;
}

Nb201Dataset Nb201DatasetByName(const std::string& name) {
  if (name == "cifar10") return {"cifar10", 32, 10};
  if (name == "cifar100") return {"cifar100", 32, 100};
  if (name == "imagenet16" || name == "ImageNet16-120") return {"imagenet16", 16, 120};
  throw UnknownNameError(
      UnknownNameMessage("NAS-Bench-201 dataset", name, "cifar10, cifar100, imagenet16"));
}

LayerList Nb201LayerList(const Nb201Cell& cell, const Nb201Dataset& dataset) {
  LayerBuilder b(3, dataset.input_hw, dataset.input_hw);
  b.Conv("stem.conv", 16, 3).BatchNorm("stem.bn");
  const int channels[3] = {16, 32, 64};
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) AddReduction(b, channels[stage], "r" + std::to_string(stage));
    for (int c = 0; c < 5; ++c) {
      AddCell(b, cell, "s" + std::to_string(stage) + ".c" + std::to_string(c));
    }
  }
  b.BatchNorm("last.bn").Activation("last.relu").GlobalAvgPool("gap").Flatten("flatten");
  b.Dense("classifier", dataset.num_classes);
  return b.Take();
}

Nb201Pruned PruneNb201Cell(const Nb201Cell& cell, Nb201Prune mode) {
  // reach_from_input[n]: node n gets data from node 0; reaches_output[n]: node n feeds node 3.
  bool reach_from_input[4] = {true, false, false, false};
  bool reaches_output[4] = {false, false, false, true};
  for (int e = 0; e < kNb201Edges; ++e) {  // edges are in topological order of their target
    if (cell.ops[e] != Nb201Op::kNone && reach_from_input[kEdgeFrom[e]]) {
      reach_from_input[kEdgeTo[e]] = true;
    }
  }
  for (int e = kNb201Edges - 1; e >= 0; --e) {  // reverse order: targets before sources
    if (cell.ops[e] != Nb201Op::kNone && reaches_output[kEdgeTo[e]]) {
      reaches_output[kEdgeFrom[e]] = true;
    }
  }
  Nb201Pruned out{cell, reach_from_input[3]};
  for (int e = 0; e < kNb201Edges; ++e) {
    const bool dead_input = mode == Nb201Prune::kInputAndOutput && !reach_from_input[kEdgeFrom[e]];
    if (dead_input || !reaches_output[kEdgeTo[e]] || !out.connected) {
      out.cell.ops[e] = Nb201Op::kNone;
    }
  }
  return out;
}

LayerList Nb201EffectiveLayerList(const Nb201Cell& cell, const Nb201Dataset& dataset) {
  const Nb201Pruned pruned = PruneNb201Cell(cell, Nb201Prune::kOutputOnly);
  if (pruned.connected) return Nb201LayerList(pruned.cell, dataset);
  LayerBuilder b(64, 1, 1);
  b.Dense("classifier", dataset.num_classes);
  return b.Take();
}

double Nb201Flops(const LayerSpec& layer) {
  // NASLib's convention differs from the arithmetic count (WorkFlops) only where it counts
  // MACs for conv/dense (no bias) and nothing for the branch sums; pooling, batch norm,
  // activations and global pooling are counted alike.
  switch (layer.op) {
    case LayerOp::kConv2d:
    case LayerOp::kDense:
      return layer.macs;
    case LayerOp::kAdd:
      return 0;
    default:
      return WorkFlops(layer);
  }
}

}  // namespace symnas::hw
