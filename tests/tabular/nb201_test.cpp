// Tests of the NAS-Bench-201 table, its exact optima and fronts, and run scoring. Reference
// figures were computed independently (numpy, O(n^2) dominance check) from the same CSV.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "symnas/common/error.hpp"
#include "symnas/tabular/nb201_bench.hpp"
#include "symnas/tabular/nb201_table.hpp"
#include "symnas/tabular/nb201_truth.hpp"

namespace symnas::tabular {
namespace {

const Nb201Table& Table() {
  static const Nb201Table table = Nb201Table::Load(DefaultNb201CsvPath());
  return table;
}
/// A device of the shipped table.
Nb201Device Dev(const std::string& name) { return Table().Device(name); }

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
  EXPECT_DOUBLE_EQ(table.LatencyMs(1, Dev("raspi4")), 54.777);
  EXPECT_DOUBLE_EQ(table.LatencyMs(1, Dev("titan_rtx")), 6.7083);
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
  ASSERT_EQ(Table().devices().size(), 5u);
  for (const auto& d : Table().devices()) EXPECT_EQ(Table().Device(Nb201DeviceName(d)), d);
  for (auto d : kNb201Datasets) EXPECT_EQ(ParseNb201Dataset(Nb201DatasetName(d)), d);
  // Dataset names come from hw::Nb201DatasetByName, alias included.
  EXPECT_EQ(ParseNb201Dataset("ImageNet16-120"), Nb201Dataset::kImageNet16);
  EXPECT_THROW(ParseNb201Dataset("svhn"), UnknownNameError);
  try {
    Table().Device("jetson");
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
    EXPECT_NE(e.message().find("'cifar10_test_acc' holds 'abc'"), std::string::npos);
  }
  EXPECT_THROW(Nb201Table::Load(WriteTemp("badheader.csv", "index,arch\n")), DatasetError);
  try {
    Nb201Table::Load(WriteTemp(
        "nolatency.csv", "index,arch,cifar10_test_acc,cifar100_test_acc,imagenet16_test_acc\n"));
    FAIL() << "expected DatasetError";
  } catch (const DatasetError& e) {
    EXPECT_NE(e.message().find("lat_ms_<device>"), std::string::npos) << e.message();
  }
}

// The shipped table rewritten with other device columns: columns reordered, pixel3 dropped, the
// fpga column renamed jetson_nano and a new column edge_tpu (raspi4 / 2) added.
std::string OtherDevicesCsv() {
  std::ifstream in(DefaultNb201CsvPath());
  std::ostringstream out;
  out << "lat_ms_edge_tpu,arch,lat_ms_jetson_nano,index,cifar100_test_acc,cifar10_test_acc,"
         "imagenet16_test_acc,lat_ms_raspi4\n";
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    // index,arch,c10,c100,in16,raspi4,pixel3,fpga,gold,titan
    out << std::stod(f[5]) / 2 << ',' << f[1] << ',' << f[7] << ',' << f[0] << ',' << f[3] << ','
        << f[2] << ',' << f[4] << ',' << f[5] << '\n';
  }
  return WriteTemp("other_devices.csv", out.str());
}

TEST(Nb201TableTest, ReadsAnySetOfDeviceColumnsInAnyOrder) {
  const Nb201Table other = Nb201Table::Load(OtherDevicesCsv());
  ASSERT_EQ(other.devices().size(), 3u);
  EXPECT_EQ(other.devices()[0].name, "edge_tpu");
  EXPECT_EQ(other.devices()[1].name, "jetson_nano");
  EXPECT_EQ(other.devices()[2].name, "raspi4");
  EXPECT_FALSE(other.HasDevice("pixel3"));
  for (int index : {0, 1, 777, 15624}) {
    EXPECT_DOUBLE_EQ(other.LatencyMs(index, other.Device("jetson_nano")),
                     Table().LatencyMs(index, Dev("fpga")));
    EXPECT_DOUBLE_EQ(other.LatencyMs(index, other.Device("raspi4")),
                     Table().LatencyMs(index, Dev("raspi4")));
    EXPECT_DOUBLE_EQ(other.AccuracyPercent(index, Nb201Dataset::kCifar100),
                     Table().AccuracyPercent(index, Nb201Dataset::kCifar100));
    EXPECT_EQ(other.At(index).ops, Table().At(index).ops);
  }
  // The renamed column has the optimum of the column it was copied from.
  const auto renamed =
      TrueConstrainedOptimum(other, Nb201Dataset::kCifar10, other.Device("jetson_nano"), 3.0);
  const auto original = TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, Dev("fpga"), 3.0);
  ASSERT_TRUE(renamed && original);
  EXPECT_EQ(renamed->index, original->index);
  // A seeded search on the renamed column evaluates the same cells as on the original one.
  const auto on_other = RunSymnas(other, Nb201Dataset::kCifar10, other.Device("jetson_nano"),
                                  "constrained", "local_search", 3.0, 60, 5, 50);
  const auto on_shipped = RunSymnas(Table(), Nb201Dataset::kCifar10, Dev("fpga"), "constrained",
                                    "local_search", 3.0, 60, 5, 50);
  EXPECT_EQ(on_other.indices, on_shipped.indices);
  try {
    other.Device("fpga");
    FAIL() << "expected UnknownNameError";
  } catch (const UnknownNameError& e) {
    EXPECT_NE(std::string(e.what()).find("edge_tpu, jetson_nano, raspi4"), std::string::npos);
  }
}

TEST(Nb201TruthTest, ConstrainedOptimaMatchIndependentComputation) {
  auto opt = TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, Dev("raspi4"), 20);
  ASSERT_TRUE(opt);
  EXPECT_EQ(opt->index, 2058);
  EXPECT_DOUBLE_EQ(opt->accuracy, 93.27);
  EXPECT_DOUBLE_EQ(opt->latency_ms, 19.485);
  opt = TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar100, Dev("pixel3"), 10);
  EXPECT_EQ(opt->index, 6787);
  opt = TrueConstrainedOptimum(Table(), Nb201Dataset::kImageNet16, Dev("titan_rtx"), 10);
  EXPECT_EQ(opt->index, 857);
  opt = TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, Dev("fpga"), 3);
  EXPECT_EQ(opt->index, 4659);
  EXPECT_FALSE(TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, Dev("raspi4"), 0));
}

TEST(Nb201TruthTest, SeveralDeviceBudgetsAtOnceMatchIndependentComputation) {
  // The 0.3 quantiles of raspi4 and fpga (19.29 and 3.088 ms): each alone has another optimum
  // (11810 and 4659, computed with Python's csv module from the same file), together 15000.
  const std::vector<Nb201DeviceBudget> both = {{Dev("raspi4"), 19.29}, {Dev("fpga"), 3.088}};
  auto opt = TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, both);
  ASSERT_TRUE(opt);
  EXPECT_EQ(opt->index, 15000);
  EXPECT_DOUBLE_EQ(opt->accuracy, 92.3667);
  EXPECT_DOUBLE_EQ(opt->latency_ms, 18.675);  // on the first budget's device
  EXPECT_EQ(TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, {both[0]})->index, 11810);
  EXPECT_EQ(TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, {both[1]})->index, 4659);
  // One budget in the list is the one-device optimum.
  EXPECT_EQ(TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, {both[0]})->index,
            TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10, Dev("raspi4"), 19.29)->index);
  EXPECT_FALSE(TrueConstrainedOptimum(Table(), Nb201Dataset::kCifar10,
                                      {{Dev("raspi4"), 20}, {Dev("fpga"), 0.5}}));
}

TEST(Nb201TruthTest, SeveralDeviceBudgetsEqualBruteForceOnRandomBudgets) {
  // Brute force: the best accuracy among cells within all budgets, by a plain loop here.
  const auto& table = Table();
  std::mt19937 rng(7);
  for (int trial = 0; trial < 12; ++trial) {
    std::vector<Nb201Device> devices = Table().devices();
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
  auto front = TrueParetoFront(Table(), Nb201Dataset::kCifar10, Dev("raspi4"));
  EXPECT_EQ(front.size(), 43u);
  EXPECT_DOUBLE_EQ(front.back().accuracy, 94.3733);
  EXPECT_DOUBLE_EQ(front.back().latency_ms, 68.404);
  auto ref = Nb201HvReference(Table(), Nb201Dataset::kCifar10, Dev("raspi4"));
  EXPECT_DOUBLE_EQ(ref.accuracy, 10.0);
  EXPECT_DOUBLE_EQ(ref.latency_ms, 98.888);
  EXPECT_NEAR(Hypervolume2D(front, ref), 8050.746714420002, 1e-6);
  front = TrueParetoFront(Table(), Nb201Dataset::kCifar100, Dev("gold_6226"));
  EXPECT_EQ(front.size(), 50u);
  ref = Nb201HvReference(Table(), Nb201Dataset::kCifar100, Dev("gold_6226"));
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
  auto opt = *TrueConstrainedOptimum(table, Nb201Dataset::kCifar10, Dev("raspi4"), 20);
  // Cell 1 is infeasible (54.8 ms), cell 3 is feasible (2.9 ms, 86.6 %), then the optimum.
  auto curve = ScoreConstrainedRun(table, Nb201Dataset::kCifar10, Dev("raspi4"), 20, opt,
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
  auto front = TrueParetoFront(table, Nb201Dataset::kCifar10, Dev("pixel3"));
  std::vector<int> indices = {1, 2};
  for (const auto& p : front) indices.push_back(p.index);
  auto curve = NormalisedHypervolumeCurve(table, Nb201Dataset::kCifar10, Dev("pixel3"), indices);
  ASSERT_EQ(curve.size(), indices.size());
  for (std::size_t i = 1; i < curve.size(); ++i) EXPECT_GE(curve[i], curve[i - 1]);
  EXPECT_LT(curve[1], 1.0);
  EXPECT_NEAR(curve.back(), 1.0, 1e-12);
}

}  // namespace
}  // namespace symnas::tabular
