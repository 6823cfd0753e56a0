// Arch -> torch::nn::Sequential (conv blocks, flatten, dense layers, classifier) and the
// optimiser factory. Layer order matches cost.cpp so the parameter counts agree.
#include "symnas/nn/model.hpp"

#include "optimizers.hpp"

namespace symnas::nn {
namespace {

torch::nn::AnyModule MakeActivation(Activation a) {
  switch (a) {
    case Activation::kRelu:
      return torch::nn::AnyModule(torch::nn::ReLU());
    case Activation::kElu:
      return torch::nn::AnyModule(torch::nn::ELU());
    case Activation::kSelu:
      return torch::nn::AnyModule(torch::nn::SELU());
    case Activation::kSwish:
      return torch::nn::AnyModule(torch::nn::SiLU());
  }
  return torch::nn::AnyModule(torch::nn::ReLU());
}

}  // namespace

torch::nn::Sequential BuildModule(const Arch& arch) {
  Validate(arch);
  namespace tnn = torch::nn;
  tnn::Sequential seq;
  int c = arch.input.channels, h = arch.input.height, w = arch.input.width;
  for (const ConvBlock& b : arch.blocks) {
    for (int j = 0; j < b.convs; ++j) {
      seq->push_back(tnn::Conv2d(tnn::Conv2dOptions(c, b.filters, b.kernel_size)
                                     .padding(b.kernel_size / 2)
                                     .bias(!b.batch_norm)));
      if (b.batch_norm) seq->push_back(tnn::BatchNorm2d(b.filters));
      seq->push_back(MakeActivation(b.activation));
      c = b.filters;
    }
    if (b.pool == PoolKind::kMax) seq->push_back(tnn::MaxPool2d(tnn::MaxPool2dOptions(2)));
    if (b.pool == PoolKind::kAvg) seq->push_back(tnn::AvgPool2d(tnn::AvgPool2dOptions(2)));
    if (b.pool != PoolKind::kNone) {
      h /= 2;
      w /= 2;
    }
    if (b.dropout > 0) seq->push_back(tnn::Dropout(b.dropout));
  }
  seq->push_back(tnn::Flatten());
  std::int64_t features = static_cast<std::int64_t>(c) * h * w;
  for (const DenseLayer& d : arch.dense) {
    seq->push_back(tnn::Linear(features, d.units));
    seq->push_back(MakeActivation(d.activation));
    if (d.dropout > 0) seq->push_back(tnn::Dropout(d.dropout));
    features = d.units;
  }
  seq->push_back(tnn::Linear(features, arch.classes));
  return seq;
}

void UseChannelsLast(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters()) {
    // Not p.contiguous(ChannelsLast): a weight with one input channel ([f, 1, k, k], the first
    // convolution of a grey-scale network) already counts as channels-last contiguous, keeps its
    // NCHW strides, and then suggests NCHW to the convolution, so the whole first block ran in
    // NCHW and the second convolution converted its input back (measured: docs/nn.md, "Where
    // the time goes"). Strides laid out explicitly, as PyTorch's Module.to(memory_format) does.
    if (p.dim() == 4) {
      p.set_data(torch::empty_like(p, torch::MemoryFormat::ChannelsLast).copy_(p));
    }
  }
}

torch::Tensor ToModelLayout(const torch::Tensor& batch) {
  return batch.dim() == 4 ? batch.contiguous(torch::MemoryFormat::ChannelsLast) : batch;
}

std::int64_t CountParameters(const torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(const TrainHyper& t,
                                                       std::vector<torch::Tensor> params) {
  namespace optim = torch::optim;
  const double lr = t.learning_rate;
  const double wd = t.weight_decay;
  switch (t.optimizer) {
    case OptimizerKind::kAdam:
      return std::make_unique<optim::Adam>(params, optim::AdamOptions(lr).weight_decay(wd));
    case OptimizerKind::kAdagrad:
      return std::make_unique<optim::Adagrad>(params, optim::AdagradOptions(lr).weight_decay(wd));
    case OptimizerKind::kRmsprop:
      return std::make_unique<optim::RMSprop>(
          params, optim::RMSpropOptions(lr).weight_decay(wd).momentum(t.momentum));
    case OptimizerKind::kSgd:
      return std::make_unique<optim::SGD>(
          params, optim::SGDOptions(lr).weight_decay(wd).momentum(t.momentum));
    case OptimizerKind::kAdamax:
      return std::make_unique<Adamax>(params, AdamaxOptions(lr, wd));
    case OptimizerKind::kAdadelta:
      return std::make_unique<Adadelta>(params, AdadeltaOptions(lr, wd));
  }
  return nullptr;
}

void SetLearningRate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace symnas::nn
