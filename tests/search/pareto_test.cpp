// Tests of the Pareto tools against hand-computed fronts and brute force: inclusion-exclusion
// hypervolume over all subsets, and peeling non-dominated sets by exhaustive comparison.
#include "symnas/search/pareto.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "symnas/common/error.hpp"

namespace symnas::search {
namespace {

/// Exact hypervolume by inclusion-exclusion: sum over non-empty subsets S of
/// (-1)^(|S|+1) prod_i (ref_i - max_{p in S} p_i). Exponential; only for small fronts.
double BruteHypervolume(const std::vector<ObjectivePoint>& pts, const ObjectivePoint& ref) {
  std::vector<ObjectivePoint> in;
  for (const auto& p : pts) {
    bool ok = true;
    for (std::size_t i = 0; i < ref.size(); ++i) ok = ok && p[i] < ref[i];
    if (ok) in.push_back(p);
  }
  double total = 0;
  for (unsigned mask = 1; mask < (1u << in.size()); ++mask) {
    ObjectivePoint corner(ref.size(), -1e300);
    int count = 0;
    for (std::size_t k = 0; k < in.size(); ++k) {
      if (!(mask >> k & 1u)) continue;
      ++count;
      for (std::size_t i = 0; i < ref.size(); ++i) corner[i] = std::max(corner[i], in[k][i]);
    }
    double box = 1;
    for (std::size_t i = 0; i < ref.size(); ++i) box *= ref[i] - corner[i];
    total += (count % 2 ? 1 : -1) * box;
  }
  return total;
}

TEST(ParetoTest, HandComputedHypervolumes) {
  EXPECT_DOUBLE_EQ(Hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}), 3 + 2 + 1);
  EXPECT_DOUBLE_EQ(Hypervolume({{1, 3}, {2, 2}, {3, 1}, {3, 3}}, {4, 4}), 6);  // dominated point adds 0
  EXPECT_DOUBLE_EQ(Hypervolume({{5, 1}}, {4, 4}), 0);                         // outside the reference
  EXPECT_DOUBLE_EQ(Hypervolume({{1, 1, 1}}, {2, 3, 4}), 1 * 2 * 3);
  // Two boxes [0,2]x[1,2]x[0,2] style: (0,1,0) and (1,0,1) with ref (2,2,2): 1*2... by hand:
  // A = 2*1*2 = 4, B = 1*2*1 = 2, A and B = [1,2]x[1,2]x[1,2] = 1 -> 5.
  EXPECT_DOUBLE_EQ(Hypervolume({{0, 1, 0}, {1, 0, 1}}, {2, 2, 2}), 5);
  EXPECT_DOUBLE_EQ(Hypervolume({{1}, {3}}, {4}), 3);
  EXPECT_THROW(Hypervolume({{1, 1, 1, 1}}, {2, 2, 2, 2}), ConfigError);
  EXPECT_THROW(Hypervolume({{1, 1}}, {2, 2, 2}), ConfigError);
}

TEST(ParetoTest, HypervolumeMatchesInclusionExclusionOnRandomFronts) {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0, 1);
  for (int dim = 2; dim <= 3; ++dim) {
    for (int rep = 0; rep < 40; ++rep) {
      std::vector<ObjectivePoint> pts(1 + rep % 10);
      for (auto& p : pts) {
        p.resize(static_cast<std::size_t>(dim));
        for (auto& c : p) c = std::round(u(rng) * 8) / 8;  // ties on purpose
      }
      ObjectivePoint ref(static_cast<std::size_t>(dim), 1.0);
      EXPECT_NEAR(Hypervolume(pts, ref), BruteHypervolume(pts, ref), 1e-12) << "dim " << dim << " rep " << rep;
    }
  }
}

TEST(ParetoTest, NonDominatedSortMatchesBruteForcePeeling) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> u(0, 5);
  for (int rep = 0; rep < 50; ++rep) {
    std::vector<ObjectivePoint> pts(12);
    for (auto& p : pts) p = {double(u(rng)), double(u(rng)), double(u(rng))};
    auto fronts = NonDominatedSort(pts);
    std::vector<int> rank(pts.size(), -1);
    for (std::size_t f = 0; f < fronts.size(); ++f) {
      for (auto i : fronts[f]) rank[i] = static_cast<int>(f);
    }
    // Brute force: peel the points no remaining point dominates.
    std::vector<bool> removed(pts.size(), false);
    for (int level = 0; std::count(removed.begin(), removed.end(), false) > 0; ++level) {
      std::vector<std::size_t> layer;
      for (std::size_t i = 0; i < pts.size(); ++i) {
        if (removed[i]) continue;
        bool dominated = false;
        for (std::size_t j = 0; j < pts.size(); ++j) dominated = dominated || (!removed[j] && Dominates(pts[j], pts[i]));
        if (!dominated) layer.push_back(i);
      }
      for (auto i : layer) {
        EXPECT_EQ(rank[i], level);
        removed[i] = true;
      }
    }
  }
}

TEST(ParetoTest, CrowdingDistanceByHand) {
  std::vector<ObjectivePoint> pts = {{0, 4}, {1, 2}, {2, 1}, {4, 0}};
  auto d = CrowdingDistance(pts, {0, 1, 2, 3});
  EXPECT_TRUE(std::isinf(d[0]));
  EXPECT_TRUE(std::isinf(d[3]));
  EXPECT_DOUBLE_EQ(d[1], (2 - 0) / 4.0 + (4 - 1) / 4.0);
  EXPECT_DOUBLE_EQ(d[2], (4 - 1) / 4.0 + (2 - 0) / 4.0);
  EXPECT_TRUE(Dominates({1, 1}, {1, 2}));
  EXPECT_FALSE(Dominates({1, 2}, {1, 2}));
}

}  // namespace
}  // namespace symnas::search
