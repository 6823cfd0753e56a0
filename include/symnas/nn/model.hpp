// The libtorch module built from an Arch (same layer order as cost.cpp's LayerList), and the
// optimisers of the template (libtorch 1.13 lacks Adamax and Adadelta: they are implemented in
// optimizers.cpp following torch.optim's update rules).
#pragma once

#include <torch/torch.h>

#include <memory>

#include "symnas/nn/arch.hpp"

namespace symnas::nn {

/// conv blocks -> flatten -> dense layers -> classifier (logits). Validates the arch first.
torch::nn::Sequential BuildModule(const Arch& arch);

/// Number of trainable parameters of a module (libtorch's own count).
std::int64_t CountParameters(const torch::nn::Module& module);

/// The optimiser named in `hyper` over `params`, weight decay as L2 added to the gradient.
std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(const TrainHyper& hyper,
                                                       std::vector<torch::Tensor> params);

/// Sets the learning rate of every parameter group.
void SetLearningRate(torch::optim::Optimizer& optimizer, double lr);

}  // namespace symnas::nn
