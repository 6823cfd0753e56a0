// Training throughput of symnas: trains the network of an architecture file on N synthetic
// in-memory images (same generator as bench_pytorch.py: none of the sides loads data) and
// prints images/second. Same model, optimiser, batch size and thread count as the Python side.
#include <fmt/core.h>
#include <torch/csrc/autograd/profiler_legacy.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <ctime>
#include <optional>

#include "symnas/common/cpu.hpp"
#include "symnas/nn/model.hpp"

int main(int argc, char** argv) {
  CLI::App app{"symnas training throughput (images/second) on synthetic data"};
  std::string arch_path;
  int images = 6400, batch = 64, threads = 1, warmup_steps = 5;
  app.add_option("--arch", arch_path, "Architecture JSON")->required();
  app.add_option("--images", images, "Images to train on (timed)")->capture_default_str();
  app.add_option("--batch", batch, "Batch size")->capture_default_str();
  app.add_option("--threads", threads, "libtorch intra-op threads")->capture_default_str();
  app.add_option("--warmup", warmup_steps, "Untimed steps first")->capture_default_str();
  std::string profile_path;
  app.add_option(
      "--profile", profile_path,
      "Also write a chrome trace of the timed steps (libtorch's op profiler; slows them)");
  bool nchw = false, no_cpu_setup = false;
  app.add_flag("--no-cpu-setup", no_cpu_setup,
               "Skip ConfigureCpuForTraining (BLAS threads, allocator): the ablation");
  app.add_flag("--nchw", nchw, "Keep the default NCHW layout (symnas uses channels-last)");
  CLI11_PARSE(app, argc, argv);
  try {
    symnas::nn::Arch arch = symnas::nn::LoadArchFile(arch_path);
    arch.train.batch_size = batch;
    torch::set_num_threads(threads);
    if (!no_cpu_setup) symnas::ConfigureCpuForTraining(threads);  // as nn::Train does
    torch::manual_seed(0);
    auto model = symnas::nn::BuildModule(arch);
    if (!nchw) symnas::nn::UseChannelsLast(*model);
    auto optimizer = symnas::nn::MakeOptimizer(arch.train, model->parameters());
    model->train();
    // Pre-built batches: the timed loop does forward, loss, backward, optimiser step only.
    const int steps = (images + batch - 1) / batch;
    auto x = torch::randn({batch, arch.input.channels, arch.input.height, arch.input.width});
    if (!nchw) x = symnas::nn::ToModelLayout(x);
    auto y = torch::randint(0, arch.classes, {batch}, torch::kLong);
    auto step = [&] {
      optimizer->zero_grad();
      auto loss = torch::nn::functional::cross_entropy(model->forward(x), y);
      loss.backward();
      optimizer->step();
      return loss.item<double>();
    };
    for (int i = 0; i < warmup_steps; ++i) step();
    std::optional<torch::autograd::profiler::RecordProfile> profiler;
    if (!profile_path.empty()) profiler.emplace(profile_path);
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    for (int i = 0; i < steps; ++i) step();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu_s = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    // Images per CPU-second of the process: what a busy machine disturbs least.
    fmt::print(
        "symnas images_per_second {:.1f} (images {}, batch {}, threads {}, {}, {}, {:.2f} s, "
        "images_per_cpu_second {:.1f})\n",
        steps * batch / s, steps * batch, batch, threads, nchw ? "nchw" : "channels_last",
        no_cpu_setup ? "no cpu setup" : "cpu setup", s, steps * batch / cpu_s);
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  }
  return 0;
}
