// `symnas train`: loads an architecture file and a dataset, trains the network, prints a
// per-epoch table and the metrics (cost analytics included), optionally writes them as JSON and
// the trained model (--save, for export-model --weights).
#include <fmt/core.h>

#include <fstream>
#include <memory>

#include "commands.hpp"
#include "symnas/common/error.hpp"
#include "symnas/nn/cost.hpp"
#include "symnas/nn/export.hpp"
#include "symnas/nn/trainer.hpp"

namespace symnas::cli {
namespace {

struct TrainArgs {
  std::string arch_path;
  nn::DataOptions data;
  int epochs = 0;
  int threads = nn::kDefaultThreads;
  std::uint64_t seed = 0;
  bool test = false;
  std::string json_path;
  std::string save_path;
};

void PrintEpoch(const nn::EpochRecord& e) {
  fmt::print("{:>5} {:>10.4f} {:>9.2f}% {:>10.4f} {:>9.2f}% {:>10.2e} {:>8.1f}\n", e.epoch,
             e.train_loss, 100 * e.train_acc, e.val_loss, 100 * e.val_acc, e.learning_rate,
             e.seconds);
  std::fflush(stdout);
}

int RunTrain(const TrainArgs& args) {
  nn::Arch arch = nn::LoadArchFile(args.arch_path);
  if (args.epochs > 0) arch.train.epochs = args.epochs;
  nn::DataOptions data_options = args.data;
  data_options.load_test = args.test;
  const nn::DataSplits data = nn::LoadSplits(data_options);
  if (arch.input.channels != data.input.channels || arch.input.height != data.input.height ||
      arch.input.width != data.input.width) {
    throw ConfigError(
        fmt::format("architecture input {}x{}x{} does not match dataset {} ({}x{}x{})",
                    arch.input.channels, arch.input.height, arch.input.width, data.dataset,
                    data.input.channels, data.input.height, data.input.width),
        {args.arch_path, 0, 0});
  }
  if (arch.classes != data.classes) {
    throw ConfigError(
        fmt::format("architecture has {} classes, dataset {} has {}; set \"classes\": "
                    "{} in the architecture file",
                    arch.classes, data.dataset, data.classes, data.classes),
        {args.arch_path, 0, 0});
  }
  const nn::CostReport cost = nn::AnalyzeCost(arch);
  fmt::print("dataset {}: {} train / {} validation images{}; {} threads, seed {}\n", data.dataset,
             data.train.Size(), data.val.Size(),
             data.test ? fmt::format(" / {} test", data.test->Size()) : "", args.threads,
             args.seed);
  fmt::print("network: {} conv blocks, {} dense layers, {} params, {:.2f} MFLOPs\n",
             arch.blocks.size(), arch.dense.size(), cost.params, cost.flops / 1e6);
  for (const std::string& w : nn::ArchWarnings(arch, data.train.Size())) {
    fmt::print(stderr, "warning: {}\n", w);
  }
  fmt::print("\n");
  fmt::print("{:>5} {:>10} {:>10} {:>10} {:>10} {:>10} {:>8}\n", "epoch", "train_loss", "train_acc",
             "val_loss", "val_acc", "lr", "seconds");
  nn::TrainOptions options;
  options.threads = args.threads;
  options.seed = args.seed;
  options.evaluate_test = args.test;
  options.on_epoch = &PrintEpoch;
  options.on_progress = [](const nn::BatchProgress& p) {
    fmt::print("      {}\n", nn::FormatProgress(p));
    std::fflush(stdout);
  };
  if (!args.save_path.empty()) {
    options.on_trained = [&](const nn::Arch& a, std::uint64_t seed, torch::nn::Sequential& best) {
      const std::string bytes =
          nn::SerializeTrainedModel(nn::MakeTrainedModel(a, best, data, seed));
      std::ofstream out(args.save_path, std::ios::binary);
      if (!out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
        throw ConfigError(fmt::format("cannot write '{}'", args.save_path), {args.save_path, 0, 0});
      }
    };
  }
  const nn::TrainReport report = nn::Train(arch, data, options);
  fmt::print("\nstop reason          {}\n", report.stop_reason);
  fmt::print("best epoch           {}\n", report.best_epoch);
  fmt::print("val accuracy         {:.2f}%\n", 100 * report.val_accuracy);
  if (report.test_accuracy)
    fmt::print("test accuracy        {:.2f}%\n", 100 * *report.test_accuracy);
  fmt::print("wall time            {:.1f} s\n", report.wall_seconds);
  fmt::print("train images/second  {:.0f}\n", report.train_images_per_second);
  fmt::print("params               {}\nFLOPs                {:.0f}\nMACs                 {:.0f}\n",
             report.params, cost.flops, cost.macs);
  fmt::print("peak activation mem  {} bytes\nmodel size fp32/int8 {} / {} bytes\n",
             cost.peak_activation_bytes, cost.model_size_fp32_bytes, cost.model_size_int8_bytes);
  if (!args.json_path.empty()) {
    nlohmann::json j = nn::TrainReportToJson(report);
    j["architecture"] = nn::ArchToJson(arch);
    j["dataset"] = data.dataset;
    j["metrics"] = nn::CostMetrics(cost);
    std::ofstream out(args.json_path);
    if (!out) throw ConfigError(fmt::format("cannot write '{}'", args.json_path));
    out << j.dump(2) << "\n";
  }
  if (!args.save_path.empty() && !report.diverged) {
    fmt::print("model saved          {} (symnas export-model --weights {} --format onnx ...)\n",
               args.save_path, args.save_path);
  }
  return report.diverged ? 1 : 0;
}

}  // namespace

void AddTrainCommand(CLI::App& sub, CommandRun& run) {
  auto args = std::make_shared<TrainArgs>();
  sub.add_option("--arch", args->arch_path, "Architecture JSON file (see examples/arch/)")
      ->required()
      ->check(CLI::ExistingFile);
  std::string datasets;
  for (const auto& f : nn::DatasetFormats())
    datasets += (datasets.empty() ? "" : ", ") + std::string(f.name);
  sub.add_option("--dataset", args->data.dataset, "Dataset format: " + datasets)
      ->capture_default_str();
  sub.add_option("--data-dir", args->data.dir, "Dataset directory (default: the format's)");
  sub.add_option_function<std::vector<int>>(
         "--image-size",
         [args](const std::vector<int>& hw) {
           args->data.image.height = hw[0];
           args->data.image.width = hw[1];
         },
         "image_folder: resize every image to HEIGHT WIDTH")
      ->expected(2);
  sub.add_option("--channels", args->data.image.channels,
                 "image_folder: 1 (grey) or 3 (RGB); default: as the first image");
  sub.add_option("--epochs", args->epochs, "Override the architecture's maximum epochs");
  sub.add_option("--val-size", args->data.validation_size,
                 "Validation images carved (seeded) from the training data")
      ->capture_default_str();
  sub.add_option("--train-subset", args->data.train_subset, "Use only N training images (0 = all)")
      ->capture_default_str();
  sub.add_option("--val-subset", args->data.val_subset, "Use only N validation images (0 = all)")
      ->capture_default_str();
  sub.add_option("--split-seed", args->data.split_seed, "Seed of the validation split")
      ->capture_default_str();
  sub.add_option("--threads", args->threads, "libtorch intra-op threads")->capture_default_str();
  sub.add_option("--seed", args->seed, "Seed of weights, dropout, shuffling")
      ->capture_default_str();
  sub.add_flag("--test", args->test, "Also report test-set accuracy (final reports only)");
  sub.add_option("--json", args->json_path, "Write curves and metrics as JSON to this file");
  sub.add_option("--save", args->save_path,
                 "Write the trained model (best epoch) to this file, for export-model --weights");
  run = [args] { return RunTrain(*args); };
}

}  // namespace symnas::cli
