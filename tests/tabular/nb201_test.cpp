// Tests of the NAS-Bench-201 table, its exact optima and fronts, and run scoring. Reference
// figures were computed independently (numpy, O(n^2) dominance check) from the same CSV.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>

#include "symnas/common/error.hpp"
#include "symnas/tabular/nb201_table.hpp"
#include "symnas/tabular/nb201_truth.hpp"

namespace symnas::tabular {
namespace {

const Nb201Table& Table() {
  static const Nb201Table table = Nb201Table::Load(DefaultNb201CsvPath());
  return table;
}

TEST(Nb201TableTest, LoadsAllCellsWithTheirColumns) {
  const auto& table = Table();
  ASSERT_EQ(table.size(), 15625u);
  // Row 1 of the CSV, copied by hand.
  const Nb201Entry& e = table.At(1);
  EXPECT_EQ(Nb201ArchString(e.ops),
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|"
            "skip_connect~2|");
  EXPECT_DOUBLE_EQ(table.AccuracyPercent(1, Nb201Dataset::kCifar10), 93.66);
  EXPECT_DOUBLE_EQ(table.AccuracyPercent(1, Nb201Dataset::kImageNet16), 44.0333);
  EXPECT_DOUBLE_EQ(table.LatencyMs(1, Nb201Device::kRaspi4), 54.777);
  EXPECT_DOUBLE_EQ(table.LatencyMs(1, Nb201Device::kTitanRtx), 6.7083);
}

TEST(Nb201TableTest, IndexOfInvertsEveryCell) {
  const auto& table = Table();
  for (const auto& entry : table.entries()) {
    ASSERT_EQ(table.IndexOf(entry.ops), entry.index);
    ASSERT_EQ(ParseNb201Arch(Nb201ArchString(entry.ops)), entry.ops);
  }
}

TEST(Nb201TableTest, MalformedArchitecturesAreRejected) {
  EXPECT_THROW(ParseNb201Arch("|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|"), ArchError);
  EXPECT_THROW(ParseNb201Arch("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|"), ArchError);
  EXPECT_THROW(ParseNb201Arch("|none~0|+|none~0|none~1|+|none~0|none~1|"), ArchError);
  EXPECT_THROW(ParseNb201Arch("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|x"), ArchError);
}

TEST(Nb201TableTest, NamesRoundTripAndUnknownNamesListValidOnes) {
  for (auto d : kNb201Devices) EXPECT_EQ(ParseNb201Device(Nb201DeviceName(d)), d);
  for (auto d : kNb201Datasets) EXPECT_EQ(ParseNb201Dataset(Nb201DatasetName(d)), d);
  // Dataset names come from hw::Nb201DatasetByName, alias included.
  EXPECT_EQ(ParseNb201Dataset("ImageNet16-120"), Nb201Dataset::kImageNet16);
  EXPECT_THROW(ParseNb201Dataset("svhn"), UnknownNameError);
  try {
    ParseNb201Device("jetson");
    FAIL() << "expected UnknownNameError";
  } catch (const UnknownNameError& e) {
    EXPECT_NE(std::string(e.what()).find("raspi4, pixel3, fpga, gold_6226, titan_rtx"),
              std::string::npos);
  }
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(Nb201TableTest, BadFilesNameTheFileAndLine) {
  EXPECT_THROW(Nb201Table::Load("/nonexistent/nb201.csv"), DatasetError);
  std::ifstream in(DefaultNb201CsvPath());
  std::string header, row;
  std::getline(in, header);
  std::getline(in, row);
  if (header.back() == '\r') header.pop_back();
  try {
    Nb201Table::Load(WriteTemp("truncated.csv", header + "\n" + row + "\n"));
    FAIL() << "expected DatasetError";
  } catch (const DatasetError& e) {
    EXPECT_NE(std::string(e.what()).find("1 rows, expected all 15625"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("truncated.csv"), std::string::npos);
  }
  try {
    Nb201Table::Load(WriteTemp("badnum.csv", header + "\n0,|none~0|+|none~0|none~1|+|none~0|"
                                                      "none~1|none~2|,abc,1,1,1,1,1,1,1\n"));
    FAIL() << "expected DatasetError";
  } catch (const DatasetError& e) {
    EXPECT_EQ(e.location().line, 2);
    EXPECT_NE(e.message().find("column 3"), std::string::npos);
  }
  EXPECT_THROW(Nb201Table::Load(WriteTemp("badheader.csv", "index,arch\n")), DatasetError);
}

TEST(Nb201TruthTest, ConstrainedOptimaMatchIndependentComputation) {
  auto opt = TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, Nb201Device::kRaspi4, 20);
  ASSERT_TRUE(opt);
  EXPECT_EQ(opt->index, 2058);
  EXPECT_DOUBLE_EQ(opt->accuracy, 93.27);
  EXPECT_DOUBLE_EQ(opt->latency_ms, 19.485);
  opt = TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar100, Nb201Device::kPixel3, 10);
  EXPECT_EQ(opt->index, 6787);
  opt = TrueConstrainedOptimum(Table(), Nb201Dataset::kImageNet16, Nb201Device::kTitanRtx, 10);
  EXPECT_EQ(opt->index, 857);
  opt = TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, Nb201Device::kFpga, 3);
  EXPECT_EQ(opt->index, 4659);
  EXPECT_FALSE(TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, Nb201Device::kRaspi4, 0));
}

TEST(Nb201TruthTest, SeveralDeviceBudgetsAtOnceMatchIndependentComputation) {
  // The 0.3 quantiles of raspi4 and fpga (19.29 and 3.088 ms): each alone has another optimum
  // (11810 and 4659, computed with Python's csv module from the same file), together 15000.
  const std::vector<Nb201DeviceBudget> both = {{Nb201Device::kRaspi4, 19.29},
                                               {Nb201Device::kFpga, 3.088}};
  auto opt = TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, both);
  ASSERT_TRUE(opt);
  EXPECT_EQ(opt->index, 15000);
  EXPECT_DOUBLE_EQ(opt->accuracy, 92.3667);
  EXPECT_DOUBLE_EQ(opt->latency_ms, 18.675);  // on the first budget's device
  EXPECT_EQ(TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, {both[0]})->index, 11810);
  EXPECT_EQ(TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, {both[1]})->index, 4659);
  // One budget in the list is the one-device optimum.
  EXPECT_EQ(
      TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, {both[0]})->index,
      TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, Nb201Device::kRaspi4, 19.29)->index);
  EXPECT_FALSE(TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10,
                                      {{Nb201Device::kRaspi4, 20}, {Nb201Device::kFpga, 0.5}}));
}

TEST(Nb201TruthTest, SeveralDeviceBudgetsEqualBruteForceOnRandomBudgets) {
  // Brute force: the best accuracy among cells within all budgets, by a plain loop here.
  const auto& table = Table();
  std::mt19937 rng(7);
  for (int trial = 0; trial < 12; ++trial) {
    std::vector<Nb201Device> devices(kNb201Devices.begin(), kNb201Devices.end());
    std::shuffle(devices.begin(), devices.end(), rng);
    std::vector<Nb201DeviceBudget> budgets;
    const int count = 2 + trial % 2;
    for (int d = 0; d < count; ++d) {
      // A budget between the latencies of two random cells.
      std::uniform_int_distribution<int> cell(0, static_cast<int>(table.size()) - 1);
      budgets.push_back({devices[d], table.LatencyMs(cell(rng), devices[d])});
    }
    double best = -1;
    for (const auto& entry : table.entries()) {
      bool ok = true;
      for (const auto& b : budgets)
        ok = ok && table.LatencyMs(entry.index, b.device) <= b.budget_ms;
      if (ok) best = std::max(best, table.AccuracyPercent(entry.index, Nb201Dataset::kCifar100));
    }
    auto opt = TrueConstrainedOptimum(table, Nb201Dataset::kCifar100, budgets);
    if (best < 0) {
      EXPECT_FALSE(opt) << trial;
      continue;
    }
    ASSERT_TRUE(opt) << trial;
    EXPECT_DOUBLE_EQ(opt->accuracy, best) << trial;
    EXPECT_TRUE(MeetsBudgets(table, opt->index, budgets)) << trial;
    // Scoring under the same budgets: a run that evaluates the optimum has reached it.
    auto curve =
        ScoreConstrainedRun(table, Nb201Dataset::kCifar100, budgets, *opt, {0, opt->index});
    EXPECT_EQ(curve.evals_to_optimum, 2) << trial;
    EXPECT_DOUBLE_EQ(curve.regret.back(), 0.0);
  }
}

TEST(Nb201TruthTest, TrueFrontsAndHypervolumesMatchIndependentComputation) {
  auto front = TrueParetoFront(Table(), Nb201Dataset::kCifar10, Nb201Device::kRaspi4);
  EXPECT_EQ(front.size(), 43u);
  EXPECT_DOUBLE_EQ(front.back().accuracy, 94.3733);
  EXPECT_DOUBLE_EQ(front.back().latency_ms, 68.404);
  auto ref = Nb201HvReference(Table(), Nb201Dataset::kCifar10, Nb201Device::kRaspi4);
  EXPECT_DOUBLE_EQ(ref.accuracy, 10.0);
  EXPECT_DOUBLE_EQ(ref.latency_ms, 98.888);
  EXPECT_NEAR(Hypervolume2D(front, ref), 8050.746714420002, 1e-6);
  front = TrueParetoFront(Table(), Nb201Dataset::kCifar100, Nb201Device::kGold6226);
  EXPECT_EQ(front.size(), 50u);
  ref = Nb201HvReference(Table(), Nb201Dataset::kCifar100, Nb201Device::kGold6226);
  EXPECT_NEAR(Hypervolume2D(front, ref), 1211.458447, 1e-6);
}

TEST(Nb201TruthTest, HypervolumeOfHandFront) {
  // Reference (0 %, 10 ms); points (50 %, 2 ms), (80 %, 6 ms), dominated (40 %, 7 ms):
  // area = (6 - 2) * 50 + (10 - 6) * 80 = 520.
  std::vector<AccLatPoint> pts = {{50, 2, 0}, {80, 6, 1}, {40, 7, 2}};
  EXPECT_DOUBLE_EQ(Hypervolume2D(pts, {0, 10, -1}), 520.0);
  // A point outside the box adds nothing.
  pts.push_back({90, 12, 3});
  EXPECT_DOUBLE_EQ(Hypervolume2D(pts, {0, 10, -1}), 520.0);
}

TEST(Nb201TruthTest, HypervolumeEqualsGridCountOnRandomFronts) {
  // Integer coordinates on a 0..40 grid: the dominated area equals the number of unit cells
  // whose upper-left corner is dominated by some point.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> coord(0, 40);
  for (int round = 0; round < 50; ++round) {
    std::vector<AccLatPoint> pts;
    for (int i = 0; i < 8; ++i) pts.push_back({double(coord(rng)), double(coord(rng)), i});
    AccLatPoint ref{0, 40, -1};
    int cells = 0;
    for (int acc = 0; acc < 40; ++acc) {
      for (int lat = 0; lat < 40; ++lat) {
        bool dominated = false;
        for (const auto& p : pts) dominated |= p.accuracy >= acc + 1 && p.latency_ms <= lat;
        cells += dominated;
      }
    }
    ASSERT_DOUBLE_EQ(Hypervolume2D(pts, ref), cells) << "round " << round;
  }
}

TEST(Nb201TruthTest, FrontEqualsBruteForceDominance) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> coord(0, 20);
  for (int round = 0; round < 50; ++round) {
    std::vector<AccLatPoint> pts;
    for (int i = 0; i < 30; ++i) pts.push_back({double(coord(rng)), double(coord(rng)), i});
    auto front = ParetoFront2D(pts);
    for (const auto& p : pts) {
      bool dominated = false;
      for (const auto& q : pts) {
        dominated |= q.accuracy >= p.accuracy && q.latency_ms <= p.latency_ms &&
                     (q.accuracy > p.accuracy || q.latency_ms < p.latency_ms);
      }
      bool on_front = false;
      for (const auto& f : front) {
        on_front |= f.accuracy == p.accuracy && f.latency_ms == p.latency_ms;
      }
      ASSERT_EQ(on_front, !dominated) << "round " << round << " point " << p.index;
    }
  }
}

TEST(Nb201TruthTest, ScoringTracksBestFeasibleAndFirstHitOfTheOptimum) {
  const auto& table = Table();
  auto opt = *TrueConstrainedOptimum(table, Nb201Dataset::kCifar10, Nb201Device::kRaspi4, 20);
  // Cell 1 is infeasible (54.8 ms), cell 3 is feasible (2.9 ms, 86.6 %), then the optimum.
  auto curve = ScoreConstrainedRun(table, Nb201Dataset::kCifar10, Nb201Device::kRaspi4, 20, opt,
                                   {1, 3, opt.index, 1});
  ASSERT_EQ(curve.best_feasible_accuracy.size(), 4u);
  EXPECT_DOUBLE_EQ(curve.best_feasible_accuracy[0], 0.0);
  EXPECT_DOUBLE_EQ(curve.best_feasible_accuracy[1], 86.6167);
  EXPECT_DOUBLE_EQ(curve.best_feasible_accuracy[2], 93.27);
  EXPECT_DOUBLE_EQ(curve.regret[1], 93.27 - 86.6167);
  EXPECT_DOUBLE_EQ(curve.regret[3], 0.0);
  EXPECT_EQ(curve.evals_to_optimum, 3);
}

TEST(Nb201TruthTest, NormalisedHypervolumeReachesOneOnTheTrueFront) {
  const auto& table = Table();
  auto front = TrueParetoFront(table, Nb201Dataset::kCifar10, Nb201Device::kPixel3);
  std::vector<int> indices = {1, 2};
  for (const auto& p : front) indices.push_back(p.index);
  auto curve =
      NormalisedHypervolumeCurve(table, Nb201Dataset::kCifar10, Nb201Device::kPixel3, indices);
  ASSERT_EQ(curve.size(), indices.size());
  for (std::size_t i = 1; i < curve.size(); ++i) EXPECT_GE(curve[i], curve[i - 1]);
  EXPECT_LT(curve[1], 1.0);
  EXPECT_NEAR(curve.back(), 1.0, 1e-12);
}

}  // namespace
}  // namespace symnas::tabular
