// Sequential LayerList -> torch::nn::Sequential (CPU, eval, no grad) -> timings at batch 1.
// Padding is recovered from the shapes: out = (in + 2p - k) / s + 1.
#include "symnas/hw/torch_timer.hpp"

#include <fmt/core.h>
#include <time.h>
#include <torch/torch.h>

#include <chrono>

#include "symnas/common/cpu.hpp"
#include "symnas/common/error.hpp"

namespace symnas::hw {

namespace {
int Padding(const LayerSpec& l) {
  for (int p = 0; p <= l.kernel; ++p) {
    if ((l.in_h + 2 * p - l.kernel) / l.stride + 1 == l.out_h &&
        (l.in_w + 2 * p - l.kernel) / l.stride + 1 == l.out_w && 2 * p <= l.kernel) {
      return p;
    }
  }
  throw ArchError(fmt::format("layer '{}': no padding maps {}x{} to {}x{} with kernel {} stride {}",
                              l.name, l.in_h, l.in_w, l.out_h, l.out_w, l.kernel, l.stride));
}

torch::nn::AnyModule Activation(const LayerSpec& l) {
  if (l.activation.empty() || l.activation == "relu")
    return torch::nn::AnyModule(torch::nn::ReLU());
  if (l.activation == "elu") return torch::nn::AnyModule(torch::nn::ELU());
  if (l.activation == "selu") return torch::nn::AnyModule(torch::nn::SELU());
  if (l.activation == "swish" || l.activation == "silu") {
    return torch::nn::AnyModule(torch::nn::SiLU());
  }
  if (l.activation == "sigmoid") return torch::nn::AnyModule(torch::nn::Sigmoid());
  if (l.activation == "tanh") return torch::nn::AnyModule(torch::nn::Tanh());
  throw ArchError("layer '" + l.name + "': unknown activation '" + l.activation +
                  "'; valid: relu, elu, selu, swish, sigmoid, tanh");
}

// One layer as a module (kAdd is handled by the caller).
torch::nn::AnyModule Module(const LayerSpec& l) {
  namespace nn = torch::nn;
  switch (l.op) {
    case LayerOp::kConv2d:
      return nn::AnyModule(nn::Conv2d(nn::Conv2dOptions(l.in_channels, l.out_channels, l.kernel)
                                          .stride(l.stride)
                                          .padding(Padding(l))
                                          .groups(l.groups)
                                          .bias(l.bias)));
    case LayerOp::kDense:
      return nn::AnyModule(
          nn::Linear(nn::LinearOptions(l.in_channels, l.out_channels).bias(l.bias)));
    case LayerOp::kMaxPool:
      return nn::AnyModule(
          nn::MaxPool2d(nn::MaxPool2dOptions(l.kernel).stride(l.stride).padding(Padding(l))));
    case LayerOp::kAvgPool:
      return nn::AnyModule(nn::AvgPool2d(nn::AvgPool2dOptions(l.kernel)
                                             .stride(l.stride)
                                             .padding(Padding(l))
                                             .count_include_pad(false)));
    case LayerOp::kGlobalAvgPool:
      return nn::AnyModule(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(1)));
    case LayerOp::kBatchNorm:
      return nn::AnyModule(nn::BatchNorm2d(l.in_channels));
    case LayerOp::kActivation:
      return Activation(l);
    case LayerOp::kFlatten:
      return nn::AnyModule(nn::Flatten());
    case LayerOp::kDropout:
      return nn::AnyModule(nn::Dropout(0.5));
    case LayerOp::kAdd:
      break;
  }
  throw ArchError("layer '" + l.name + "' (" + LayerOpName(l.op) +
                  ") cannot be built as a sequential module");
}

// Appends a layer; dense layers get a flatten first (a no-op on an already flat input).
void Append(torch::nn::Sequential& net, const LayerSpec& l, size_t index) {
  const std::string name = fmt::format("l{}", index);
  if (l.op == LayerOp::kDense) net->push_back(name + "_flatten", torch::nn::Flatten());
  net->push_back(name, Module(l));
}

torch::Tensor InputFor(const LayerSpec& l) {
  if (l.op == LayerOp::kDense) return torch::randn({1, l.in_channels});
  return torch::randn({1, l.in_channels, l.in_h, l.in_w});
}

class TorchTimer : public NetworkTimer {
 public:
  explicit TorchTimer(const TimingOptions& o) : options_(o) {
    if (o.timed_runs < 1 || o.warmup_runs < 0 || o.threads < 1) {
      throw ConfigError("timing needs timed_runs >= 1, warmup_runs >= 0, threads >= 1");
    }
    if (o.thread_cpu_clock && o.threads != 1) {
      throw ConfigError("the thread CPU clock only measures single-threaded runs; set threads 1");
    }
  }

  Timing TimeNetwork(const LayerList& layers) override {
    CheckSequential(layers);
    torch::nn::Sequential net;
    for (size_t i = 0; i < layers.size(); ++i) Append(net, layers[i], i);
    net->eval();
    const torch::Tensor x = InputFor(layers.front());
    return Run([&] { return net->forward(x); });
  }

  Timing TimeLayer(const LayerSpec& l) override {
    const torch::Tensor x = InputFor(l);
    if (l.op == LayerOp::kAdd) {
      std::vector<torch::Tensor> inputs(static_cast<size_t>(std::max(1, l.num_inputs)), x);
      for (auto& t : inputs) t = torch::randn_like(x);
      return Run([&] {
        torch::Tensor sum = inputs[0];
        for (size_t i = 1; i < inputs.size(); ++i) sum = sum + inputs[i];
        return sum;
      });
    }
    torch::nn::Sequential net;
    Append(net, l, 0);
    net->eval();
    return Run([&] { return net->forward(x); });
  }

  std::string Describe() const override {
    return fmt::format("libtorch-cpu threads={} warmup={} runs={} clock={}", options_.threads,
                       options_.warmup_runs, options_.timed_runs,
                       options_.thread_cpu_clock ? "thread-cpu" : "wall");
  }

 private:
  template <typename F>
  Timing Run(F&& forward) {
    torch::NoGradGuard no_grad;
    torch::set_num_threads(options_.threads);
    ConfigureCpuForTraining(options_.threads);
    for (int i = 0; i < options_.warmup_runs; ++i) forward();
    std::vector<double> ms;
    for (int i = 0; i < options_.timed_runs; ++i) {
      const double start = NowMs();
      const torch::Tensor y = forward();
      ms.push_back(NowMs() - start);
    }
    return SummariseRuns(std::move(ms));
  }

  // Milliseconds on the chosen clock.
  double NowMs() const {
    if (options_.thread_cpu_clock) {
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
    }
    return std::chrono::duration<double, std::milli>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  TimingOptions options_;
};
}  // namespace

void CheckSequential(const LayerList& layers) {
  if (layers.empty()) throw ArchError("cannot time an empty layer list");
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerSpec& l = layers[i];
    if (l.op == LayerOp::kAdd) {
      throw ArchError("layer '" + l.name +
                      "' is an add: `measured` times sequential networks only; use `lut`");
    }
    if (i == 0) continue;
    const LayerSpec& prev = layers[i - 1];
    const bool dense = l.op == LayerOp::kDense;
    const bool chained =
        dense ? l.in_channels == prev.OutputElements()
              : l.in_channels == prev.out_channels && l.in_h == prev.out_h && l.in_w == prev.out_w;
    if (!chained) {
      throw ArchError(fmt::format("layer '{}' does not take the output of '{}' ({}x{}x{})", l.name,
                                  prev.name, prev.out_channels, prev.out_h, prev.out_w));
    }
  }
}

std::shared_ptr<NetworkTimer> MakeTorchTimer(const TimingOptions& options) {
  return std::make_shared<TorchTimer>(options);
}

}  // namespace symnas::hw
