// NAS-Bench-201 cell parsing and the FLOPs / params counter against the published table
// (tests/hw/data/nasbench201_flops_params.csv: 491 cells x cifar10, cifar100, ImageNet16-120).
#include "symnas/hw/nb201.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "symnas/common/error.hpp"
#include "symnas/hw/csv.hpp"
#include "symnas/hw/metrics.hpp"

namespace symnas::hw {
namespace {

const char* kArch =
    "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|"
    "skip_connect~2|";

TEST(Nb201, ParsesAndPrintsBack) {
  const Nb201Cell cell = ParseNb201Cell(kArch);
  EXPECT_EQ(cell.ops[0], Nb201Op::kAvgPool3x3);
  EXPECT_EQ(cell.ops[1], Nb201Op::kConv1x1);
  EXPECT_EQ(cell.ops[5], Nb201Op::kSkipConnect);
  EXPECT_EQ(cell.ToString(), kArch);
}

TEST(Nb201, RejectsBadCells) {
  EXPECT_THROW(ParseNb201Cell("|conv_5x5~0|+|none~0|none~1|+|none~0|none~1|none~2|"), ArchError);
  EXPECT_THROW(ParseNb201Cell("|none~0|+|none~0|none~1|"), ArchError);
  EXPECT_THROW(ParseNb201Cell("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|"), ArchError);
  EXPECT_THROW(Nb201DatasetByName("mnist"), UnknownNameError);
}

TEST(Nb201, HandCountedAllNoneCell) {
  // Only the skeleton remains: stem, two residual blocks, last BN, classifier.
  const LayerList layers =
      Nb201LayerList(ParseNb201Cell("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"),
                     Nb201DatasetByName("cifar10"));
  std::int64_t params = 0;
  for (const auto& l : layers) params += l.params;
  const std::int64_t expected = (27 * 16 + 32) + (16 * 32 * 9 + 64 + 32 * 32 * 9 + 64 + 16 * 32) +
                                (32 * 64 * 9 + 128 + 64 * 64 * 9 + 128 + 32 * 64) + 128 +
                                (64 * 10 + 10);
  EXPECT_EQ(params, expected);
  EXPECT_EQ(layers.back().op, LayerOp::kDense);
  EXPECT_EQ(layers.back().out_channels, 10);
}

TEST(Nb201, PruningRemovesEdgesThatDoNotFeedTheOutput) {
  // Node 2 feeds nothing: its edges die; node 1 -> 3 stays (it feeds the output).
  const Nb201Cell cell = ParseNb201Cell(
      "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|none~0|nor_conv_3x3~1|none~2|");
  const Nb201Pruned out_only = PruneNb201Cell(cell, Nb201Prune::kOutputOnly);
  EXPECT_TRUE(out_only.connected);
  EXPECT_EQ(out_only.cell.ToString(),
            "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|nor_conv_3x3~1|none~2|");
  // Node 1 gets nothing from node 0: with input pruning its outgoing edges die too, and the cell
  // is disconnected.
  const Nb201Cell cut =
      ParseNb201Cell("|none~0|+|none~0|nor_conv_3x3~1|+|none~0|nor_conv_3x3~1|none~2|");
  EXPECT_TRUE(PruneNb201Cell(cut, Nb201Prune::kOutputOnly).connected == false);
  EXPECT_EQ(PruneNb201Cell(cut, Nb201Prune::kInputAndOutput).cell.ToString(),
            "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  EXPECT_EQ(Nb201EffectiveLayerList(cut, Nb201DatasetByName("cifar10")).size(), 1u);
}

// Every row of the published table within 1% (in fact the counter is exact on params and
// within 0.03% on FLOPs; see docs/hw.md for the convention and the small residual).
TEST(Nb201, MatchesPublishedFlopsAndParams) {
  const CsvTable t =
      ReadCsv(std::string(SYMNAS_SOURCE_DIR) + "/tests/hw/data/nasbench201_flops_params.csv");
  const int ds = t.Column("dataset"), arch = t.Column("arch");
  const int flops_col = t.Column("flops_M"), params_col = t.Column("params_M");
  ASSERT_EQ(t.rows.size(), 3u * 491u);
  double worst_flops = 0, worst_params = 0;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const LayerList layers =
        Nb201LayerList(ParseNb201Cell(t.rows[r][arch]), Nb201DatasetByName(t.rows[r][ds]));
    const NetworkMetrics m = ComputeMetrics(layers);
    const double flops_m = m.flops / 1e6, params_m = static_cast<double>(m.params) / 1e6;
    // The table exceeds our count by a constant 1,088 FLOPs (32x32) / 576 (16x16) whatever
    // the cell: a skeleton term we do not reproduce (see docs/hw.md).
    const double residual = t.Number(r, flops_col) * 1e6 - m.flops;
    EXPECT_NEAR(residual, t.rows[r][ds] == "imagenet16" ? 576 : 1088, 1) << t.rows[r][arch];
    worst_flops = std::max(worst_flops, std::abs(flops_m / t.Number(r, flops_col) - 1));
    worst_params = std::max(worst_params, std::abs(params_m / t.Number(r, params_col) - 1));
  }
  EXPECT_LT(worst_flops, 0.01);
  EXPECT_LT(worst_params, 0.01);
  EXPECT_LT(worst_flops, 5e-4) << "the residual grew: the counting convention changed";
  EXPECT_LT(worst_params, 1e-6);
  RecordProperty("worst_flops_rel", std::to_string(worst_flops));
  RecordProperty("worst_params_rel", std::to_string(worst_params));
  std::printf("worst relative error: flops %.3g, params %.3g\n", worst_flops, worst_params);
}

}  // namespace
}  // namespace symnas::hw
