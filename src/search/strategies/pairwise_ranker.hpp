// A linear pairwise ranker: rows of features with an integer rank each (0 best) -> weights w of
// a score s(x) = w . x that orders the rows as their ranks do (pareto_rank's surrogate).
#pragma once

#include <Eigen/Dense>
#include <random>
#include <vector>

namespace symnas::search {

/// Settings of FitPairwiseRanker.
struct RankerOptions {
  double l2 = 1e-3;            ///< weight decay
  int iterations = 200;        ///< full-batch gradient steps
  double learning_rate = 0.5;  ///< step size on the mean pair loss
  int max_pairs = 3000;        ///< pairs drawn (seeded) when more ordered pairs exist
};

/// RankNet with a linear score (Burges et al. 2005, "Learning to rank using gradient descent";
/// HW-PR-NAS, thesis 003 §3.2, trains its Pareto-score model with a ranking loss). Steps:
/// (1) every pair (i, j) with rank[i] < rank[j] is an ordered pair (equal ranks give none);
/// when there are more than max_pairs, max_pairs of them are drawn uniformly with `rng`;
/// (2) minimise mean log(1 + exp(-(s(x_i) - s(x_j)))) + l2/2 |w|^2 by gradient descent from
/// w = 0. Higher score = better (lower) rank. Returns zeros when there is no ordered pair.
Eigen::VectorXd FitPairwiseRanker(const Eigen::MatrixXd& features, const std::vector<int>& rank,
                                  const RankerOptions& options, std::mt19937_64& rng);

}  // namespace symnas::search
