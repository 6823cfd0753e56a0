// Adamax and Adadelta for libtorch 1.13 (its C++ API has neither), following torch.optim's
// update rules (Kingma & Ba 2015 sec. 7.1; Zeiler 2012 alg. 1). Weight decay = L2 on the gradient.
#pragma once

#include <torch/torch.h>

namespace symnas::nn {

/// Options shared by both: learning rate and L2 weight decay.
template <typename Derived>
struct LrWdOptions : public torch::optim::OptimizerCloneableOptions<Derived> {
  LrWdOptions(double lr, double wd) : lr_(lr), weight_decay_(wd) {}
  double get_lr() const override { return lr_; }
  void set_lr(const double lr) override { lr_ = lr; }
  double lr_;
  double weight_decay_;
};

struct AdamaxOptions : LrWdOptions<AdamaxOptions> {
  using LrWdOptions::LrWdOptions;
};
struct AdadeltaOptions : LrWdOptions<AdadeltaOptions> {
  using LrWdOptions::LrWdOptions;
};

/// Adamax: u = max(b2 u, |g| + eps); p -= lr / (1 - b1^t) * m / u.
class Adamax : public torch::optim::Optimizer {
 public:
  Adamax(std::vector<torch::Tensor> params, AdamaxOptions options);
  torch::Tensor step(LossClosure closure = nullptr) override;

 private:
  std::vector<torch::Tensor> exp_avg_, exp_inf_;
  std::int64_t step_ = 0;
};

/// Adadelta: E[g^2], delta = sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) g; p -= lr * delta.
class Adadelta : public torch::optim::Optimizer {
 public:
  Adadelta(std::vector<torch::Tensor> params, AdadeltaOptions options);
  torch::Tensor step(LossClosure closure = nullptr) override;

 private:
  std::vector<torch::Tensor> square_avg_, acc_delta_;
};

}  // namespace symnas::nn
