// FitPairwiseRanker: ordered pairs, optional seeded subsample, gradient descent on the pairwise
// logistic loss (see pairwise_ranker.hpp).
#include "pairwise_ranker.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace symnas::search {

Eigen::VectorXd FitPairwiseRanker(const Eigen::MatrixXd& features, const std::vector<int>& rank,
                                  const RankerOptions& options, std::mt19937_64& rng) {
  const Eigen::Index d = features.cols();
  Eigen::VectorXd w = Eigen::VectorXd::Zero(d);
  std::vector<std::pair<Eigen::Index, Eigen::Index>> pairs;
  for (Eigen::Index i = 0; i < features.rows(); ++i) {
    for (Eigen::Index j = 0; j < features.rows(); ++j) {
      if (rank[static_cast<size_t>(i)] < rank[static_cast<size_t>(j)]) pairs.emplace_back(i, j);
    }
  }
  if (pairs.empty()) return w;
  const std::size_t max_pairs = static_cast<std::size_t>(std::max(1, options.max_pairs));
  if (pairs.size() > max_pairs) {
    std::uniform_int_distribution<std::size_t> pick(0, pairs.size() - 1);
    std::vector<std::pair<Eigen::Index, Eigen::Index>> drawn;
    for (std::size_t k = 0; k < max_pairs; ++k) drawn.push_back(pairs[pick(rng)]);
    pairs = std::move(drawn);
  }
  // One row per pair: x_better - x_worse; the loss of a pair is log(1 + exp(-diff . w)).
  Eigen::MatrixXd diff(static_cast<Eigen::Index>(pairs.size()), d);
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    diff.row(static_cast<Eigen::Index>(k)) =
        features.row(pairs[k].first) - features.row(pairs[k].second);
  }
  const double m = static_cast<double>(pairs.size());
  for (int it = 0; it < options.iterations; ++it) {
    const Eigen::VectorXd margin = diff * w;
    // d/dmargin log(1 + exp(-margin)) = -1 / (1 + exp(margin)).
    const Eigen::VectorXd slope = margin.unaryExpr(
        [](double z) { return 1.0 / (1.0 + std::exp(std::clamp(z, -30.0, 30.0))); });
    const Eigen::VectorXd gradient = -(diff.transpose() * slope) / m + options.l2 * w;
    w -= options.learning_rate * gradient;
  }
  return w;
}

}  // namespace symnas::search
