// BDD manager and weighted model counting: canonicity, Boolean laws, and counts against
// truth-table enumeration for random functions; non-normalised (counting) and gradient semirings.
#include <gtest/gtest.h>

#include <random>

#include "symnas/logic/bdd.hpp"
#include "symnas/logic/wmc.hpp"

namespace symnas::logic {
namespace {

using Ref = BddManager::Ref;

bool EvalBdd(const BddManager& m, Ref r, unsigned assignment) {
  while (r > BddManager::kTrue) {
    const auto& n = m.node(r);
    r = (assignment >> n.var & 1) ? n.high : n.low;
  }
  return r == BddManager::kTrue;
}

TEST(BddTest, CanonicalFormsAndLaws) {
  BddManager m;
  Ref a = m.Var(0), b = m.Var(1), c = m.Var(2);
  EXPECT_EQ(m.And(a, b), m.And(b, a));
  EXPECT_EQ(m.Or(m.Not(a), m.Not(b)), m.Not(m.And(a, b)));  // De Morgan
  EXPECT_EQ(m.And(a, m.Not(a)), BddManager::kFalse);
  EXPECT_EQ(m.Or(a, m.Not(a)), BddManager::kTrue);
  EXPECT_EQ(m.Not(m.Not(c)), c);
  EXPECT_EQ(m.And(a, m.Or(b, c)), m.Or(m.And(a, b), m.And(a, c)));  // distributivity
  EXPECT_EQ(m.Or(a, m.And(a, b)), a);                                // absorption
  Ref first = m.And(m.Or(a, b), c);
  std::size_t after_first = m.size();
  EXPECT_EQ(m.And(c, m.Or(b, a)), first);  // same function, same node, nothing new
  EXPECT_EQ(m.size(), after_first);
}

TEST(BddTest, RandomFunctionsMatchTruthTables) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 100; ++trial) {
    BddManager m;
    const int n = 6;
    std::vector<Ref> pool;
    std::vector<std::vector<bool>> tables;
    for (int v = 0; v < n; ++v) {
      pool.push_back(m.Var(v));
      std::vector<bool> t(1 << n);
      for (unsigned x = 0; x < t.size(); ++x) t[x] = x >> v & 1;
      tables.push_back(t);
    }
    for (int step = 0; step < 15; ++step) {
      std::size_t i = rng() % pool.size(), j = rng() % pool.size();
      int op = static_cast<int>(rng() % 3);
      Ref r = op == 0 ? m.And(pool[i], pool[j]) : op == 1 ? m.Or(pool[i], pool[j]) : m.Not(pool[i]);
      std::vector<bool> t(1 << n);
      for (unsigned x = 0; x < t.size(); ++x) {
        t[x] = op == 0 ? tables[i][x] && tables[j][x]
             : op == 1 ? tables[i][x] || tables[j][x] : !tables[i][x];
      }
      pool.push_back(r);
      tables.push_back(t);
    }
    LiteralWeights<ProbabilitySemiring> w;
    for (int v = 0; v < n; ++v) {
      double p = (v + 1) / 8.0;
      w.pos.push_back(p);
      w.neg.push_back(1 - p);
    }
    auto counts = WeightedCountAll<ProbabilitySemiring>(m, w);
    for (std::size_t k = 0; k < pool.size(); ++k) {
      double expected = 0;
      for (unsigned x = 0; x < (1u << n); ++x) {
        ASSERT_EQ(EvalBdd(m, pool[k], x), tables[k][x]);
        if (!tables[k][x]) continue;
        double weight = 1;
        for (int v = 0; v < n; ++v) weight *= (x >> v & 1) ? w.pos[v] : w.neg[v];
        expected += weight;
      }
      EXPECT_NEAR(counts[pool[k]], expected, 1e-12);
    }
  }
}

// The counting semiring is not normalised: WMC must smooth over skipped variables.
struct CountingSemiring {
  using Value = double;
  static constexpr bool kNormalized = false;
  static Value Zero() { return 0; }
  static Value One() { return 1; }
  static Value Plus(Value a, Value b) { return a + b; }
  static Value Times(Value a, Value b) { return a * b; }
};

TEST(WmcTest, ModelCountingWithSmoothing) {
  BddManager m;
  Ref f = m.Or(m.Var(0), m.And(m.Var(2), m.Var(3)));  // variable 1 never tested
  LiteralWeights<CountingSemiring> w{{1, 1, 1, 1}, {1, 1, 1, 1}};
  // models over 4 variables: x0 (8) + !x0 & x2 & x3 (2) = 10
  EXPECT_DOUBLE_EQ(WeightedCount<CountingSemiring>(m, f, w), 10.0);
  EXPECT_DOUBLE_EQ(WeightedCount<CountingSemiring>(m, BddManager::kTrue, w), 16.0);
}

TEST(WmcTest, GradientSemiringMatchesFiniteDifference) {
  BddManager m;
  Ref f = m.Or(m.And(m.Var(0), m.Var(1)), m.And(m.Not(m.Var(0)), m.Var(2)));
  std::vector<double> p = {0.3, 0.6, 0.8};
  // derivative with respect to p0: P = p0 p1 + (1 - p0) p2 -> p1 - p2
  LiteralWeights<GradientSemiring> w;
  for (int v = 0; v < 3; ++v) {
    double d = v == 0 ? 1.0 : 0.0;
    w.pos.push_back({p[v], d});
    w.neg.push_back({1 - p[v], -d});
  }
  auto value = WeightedCount<GradientSemiring>(m, f, w);
  EXPECT_NEAR(value.p, 0.3 * 0.6 + 0.7 * 0.8, 1e-12);
  EXPECT_NEAR(value.dp, 0.6 - 0.8, 1e-12);
}

TEST(BddTest, NodeLimitThrows) {
  BddManager m(40);
  Ref f = BddManager::kFalse;
  EXPECT_THROW(
      {
        for (int v = 0; v < 64; v += 2) f = m.Or(f, m.And(m.Var(v), m.Var(v + 1)));
      },
      symnas::Error);
}

}  // namespace
}  // namespace symnas::logic
