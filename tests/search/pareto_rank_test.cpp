// Tests of the pairwise ranker (a known ranking function recovered) and of pareto_rank's
// proposals (the best-ranked untried candidate of each cost bin, known costs read).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "../../src/search/strategies/pairwise_ranker.hpp"
#include "symnas/common/error.hpp"
#include "symnas/search/objective.hpp"
#include "symnas/strategies/table.hpp"

namespace symnas::search {
namespace {

// Rows of 6 random binary features; the rank is a known function of them: the number of 1s
// among features 0..2 minus those among 3..5, so features 0-2 must get positive weight (better
// rank = higher score) and 3-5 negative, and the fitted order must agree with the true one.
TEST(PairwiseRankerTest, RecoversAKnownRankingFunction) {
  std::mt19937_64 rng(3);
  std::bernoulli_distribution bit(0.5);
  Eigen::MatrixXd x(60, 6);
  std::vector<int> rank(60);
  for (int i = 0; i < 60; ++i) {
    int good = 0;
    for (int j = 0; j < 6; ++j) {
      x(i, j) = bit(rng) ? 1.0 : 0.0;
      good += (j < 3 ? 1 : -1) * static_cast<int>(x(i, j));
    }
    rank[static_cast<std::size_t>(i)] = 3 - good;  // 0 (best) .. 6
  }
  std::mt19937_64 fit_rng(0);
  const Eigen::VectorXd w = FitPairwiseRanker(x, rank, {}, fit_rng);
  for (int j = 0; j < 3; ++j) EXPECT_GT(w[j], 0.3) << j;
  for (int j = 3; j < 6; ++j) EXPECT_LT(w[j], -0.3) << j;
  const Eigen::VectorXd s = x * w;
  int concordant = 0, discordant = 0;
  for (int i = 0; i < 60; ++i) {
    for (int j = 0; j < 60; ++j) {
      if (rank[i] < rank[j]) (s[i] > s[j] ? concordant : discordant)++;
    }
  }
  EXPECT_EQ(discordant, 0) << concordant;
  // No ordered pair: zero weights.
  EXPECT_TRUE(FitPairwiseRanker(x, std::vector<int>(60, 2), {}, fit_rng).isZero());
}

// A 2-objective toy on a x b (a categorical of 8 labels, b an integer 0..7): cost (known before
// training through estimate_costs) = index of a, quality (learnt) = b. (b is an integer so that
// its unit-cube encoding lets the linear ranker extrapolate to values not seen yet; a one-hot
// value never observed gets weight 0.) After the random start the
// ranker must ask in each cost bin in turn (4 bins of two a-values), and mostly an untried cell
// that no other untried cell of its bin dominates (the ranker learns the one-hot of a from 12+
// noisy ranks, so a few misorders between a = 2k and 2k + 1 are expected).
TEST(ParetoRankTest, AsksTheBestRankedCandidateOfEachCostBin) {
  std::vector<std::string> labels;
  for (int i = 0; i < 8; ++i) labels.push_back("v" + std::to_string(i));
  StrategyContext c;
  c.space = SearchSpace({Dimension::Categorical("a", labels, "v0"), Dimension::Int("b", 0, 7, 0)});
  c.seed = 4;
  c.options = {{"initial_random", 12}, {"bins", 4}};
  auto index = [](const Params& p, const char* name) {
    return name[0] == 'a' ? AsString(p.at(name))[1] - '0' : static_cast<int>(AsInt(p.at(name)));
  };
  c.estimate_costs = [&](const Params& p) {
    return std::map<std::string, double>{{"cost", 1.0 + index(p, "a")}};
  };
  auto objective = MakeObjective(
      {{"kind", "pareto"},
       {"metrics", {{{"name", "quality"}, {"goal", "max"}}, {{"name", "cost"}, {"goal", "min"}}}}});
  c.objective_names = objective->VectorNames();
  auto s = strategies::MakeStrategy("pareto_rank", c);
  bool tried[8][8] = {};
  int dominated_asks = 0;
  for (int t = 0; t < 28; ++t) {
    Params p = s->Ask();
    const int a = index(p, "a"), b = index(p, "b");
    ASSERT_FALSE(tried[a][b]) << "ask " << t << " repeats a cell";
    if (t >= 12) {
      const int bin = (t - 12) % 4;
      EXPECT_EQ(a / 2, bin) << "ask " << t;
      // Does an untried cell of the bin dominate it (as cheap or cheaper, at least as good)?
      bool dominated = false;
      for (int aa = 2 * bin; aa <= a; ++aa) {
        for (int bb = b; bb < 8; ++bb) dominated |= !tried[aa][bb] && (aa != a || bb != b);
      }
      dominated_asks += dominated ? 1 : 0;
    }
    tried[a][b] = true;
    TrialOutcome o;
    o.trial_id = t;
    o.params = p;
    o.result.metrics = {{"quality", 1.0 * b}, {"cost", 1.0 + a}};
    o.objective = objective->Evaluate(o.result);
    s->Tell(o);
  }
  EXPECT_LE(dominated_asks, 4) << "of 16 ranked asks";
}

TEST(ParetoRankTest, RejectsAnUnknownAcquisition) {
  StrategyContext c;
  c.space = SearchSpace({Dimension::Int("b", 0, 7, 0)});
  c.options = {{"acquisition", "best"}};
  EXPECT_THROW(strategies::MakeStrategy("pareto_rank", c), ConfigError);
  c.options = {{"bins", 0}};
  EXPECT_THROW(strategies::MakeStrategy("pareto_rank", c), ConfigError);
}

}  // namespace
}  // namespace symnas::search
