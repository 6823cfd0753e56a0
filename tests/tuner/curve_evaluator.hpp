// A deterministic stand-in for training shared by the tuner tests: learning curves from the
// candidate's learning rate and width, the CNN template's analytic FLOPs as costs.
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "symnas/search/evaluator.hpp"
#include "symnas/search/synthetic.hpp"

namespace symnas::tuner {

using search::AsDouble;
using search::Params;

/// A stand-in for training: accuracy grows with width and a learning rate near 1e-3; curves
/// converge to it over 8 epochs; the training accuracy runs ahead (mild overfitting); costs
/// are the CNN template's analytic FLOPs on 28x28 inputs (ArchError past 4 pooling blocks).
class CurveEvaluator : public search::Evaluator {
 public:
  double max_trained_flops = 0.0;  ///< the largest FLOPs of a candidate Evaluate was given
  int evaluations = 0;             ///< Evaluate calls
  std::map<std::string, double> EstimateCosts(const Params& params) override {
    const double flops = search::CnnTemplateFlops(params);
    return {{"flops", flops}, {"params", flops / 20}};
  }
  search::EvalResult Evaluate(const Params& params, std::uint64_t seed) override {
    ++evaluations;
    max_trained_flops = std::max(max_trained_flops, search::CnnTemplateFlops(params));
    search::EvalResult result;
    const double lr = AsDouble(params.at("learning_rate"));
    const double width = params.count("filters_0") ? AsDouble(params.at("filters_0")) : 32;
    const double accuracy = std::clamp(
        0.9 - 0.08 * std::abs(std::log10(lr) + 3.0) + 0.01 * std::log2(width / 32.0), 0.1, 0.99);
    for (int epoch = 0; epoch < 8; ++epoch) {
      const double progress = 1.0 - std::exp(-0.6 * (epoch + 1));
      const double jitter = 0.002 * static_cast<double>((seed + epoch) % 3);
      result.curves.val_acc.push_back(0.1 + (accuracy - 0.1) * progress - jitter);
      result.curves.train_acc.push_back(std::min(1.0, 0.1 + (accuracy + 0.05 - 0.1) * progress));
      result.curves.val_loss.push_back(2.3 * std::exp(-1.2 * (epoch + 1)) + (1 - accuracy));
      result.curves.train_loss.push_back(2.3 * std::exp(-1.3 * (epoch + 1)) + (1 - accuracy) * 0.8);
    }
    result.accuracy = result.curves.val_acc.back();
    result.metrics = EstimateCosts(params);
    return result;
  }
};

}  // namespace symnas::tuner
