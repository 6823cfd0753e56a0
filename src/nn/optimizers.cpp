// Adamax and Adadelta update steps (see optimizers.hpp). One parameter group; state per tensor.
#include "optimizers.hpp"

namespace symnas::nn {
namespace {

std::vector<torch::Tensor> ZerosLike(const std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> out;
  for (const auto& p : params) out.push_back(torch::zeros_like(p));
  return out;
}

template <typename Options>
const Options& GroupOptions(torch::optim::OptimizerParamGroup& group) {
  return static_cast<const Options&>(group.options());
}

}  // namespace

Adamax::Adamax(std::vector<torch::Tensor> params, AdamaxOptions options)
    : Optimizer({torch::optim::OptimizerParamGroup(params)},
                std::make_unique<AdamaxOptions>(options)),
      exp_avg_(ZerosLike(params)),
      exp_inf_(ZerosLike(params)) {}

torch::Tensor Adamax::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss = closure ? closure() : torch::Tensor();
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
  auto& group = param_groups_.at(0);
  const auto& o = GroupOptions<AdamaxOptions>(group);
  ++step_;
  const double clr = o.lr_ / (1 - std::pow(kBeta1, static_cast<double>(step_)));
  for (std::size_t i = 0; i < group.params().size(); ++i) {
    auto& p = group.params()[i];
    if (!p.grad().defined()) continue;
    auto g = p.grad();
    if (o.weight_decay_ != 0) g = g.add(p, o.weight_decay_);
    exp_avg_[i].mul_(kBeta1).add_(g, 1 - kBeta1);
    exp_inf_[i] = torch::maximum(exp_inf_[i].mul_(kBeta2), g.abs().add_(kEps));
    p.addcdiv_(exp_avg_[i], exp_inf_[i], -clr);
  }
  return loss;
}

Adadelta::Adadelta(std::vector<torch::Tensor> params, AdadeltaOptions options)
    : Optimizer({torch::optim::OptimizerParamGroup(params)},
                std::make_unique<AdadeltaOptions>(options)),
      square_avg_(ZerosLike(params)),
      acc_delta_(ZerosLike(params)) {}

torch::Tensor Adadelta::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss = closure ? closure() : torch::Tensor();
  constexpr double kRho = 0.9, kEps = 1e-6;
  auto& group = param_groups_.at(0);
  const auto& o = GroupOptions<AdadeltaOptions>(group);
  for (std::size_t i = 0; i < group.params().size(); ++i) {
    auto& p = group.params()[i];
    if (!p.grad().defined()) continue;
    auto g = p.grad();
    if (o.weight_decay_ != 0) g = g.add(p, o.weight_decay_);
    square_avg_[i].mul_(kRho).addcmul_(g, g, 1 - kRho);
    auto delta = acc_delta_[i].add(kEps).sqrt_().div_(square_avg_[i].add(kEps).sqrt_()).mul_(g);
    p.add_(delta, -o.lr_);
    acc_delta_[i].mul_(kRho).addcmul_(delta, delta, 1 - kRho);
  }
  return loss;
}

}  // namespace symnas::nn
