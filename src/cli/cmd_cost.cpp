// `symnas cost`: prints the cost analytics of an architecture file (per-layer table and
// totals) and, on request, its measured host latency at batch 1.
#include <fmt/core.h>

#include <fstream>
#include <memory>

#include "commands.hpp"
#include "symnas/common/error.hpp"
#include "symnas/nn/cost.hpp"
#include "symnas/nn/latency.hpp"

namespace symnas::cli {
namespace {

struct CostArgs {
  std::string arch_path;
  int latency_runs = 0;
  int threads = 1;
  std::string json_path;
};

int RunCost(const CostArgs& args) {
  const nn::Arch arch = nn::LoadArchFile(args.arch_path);
  const nn::CostReport cost = nn::AnalyzeCost(arch);
  fmt::print("{}", nn::FormatCostReport(cost));
  for (const std::string& w : nn::ArchWarnings(arch, 0)) fmt::print(stderr, "warning: {}\n", w);
  nlohmann::json j = {{"metrics", nn::CostMetrics(cost)}};
  if (args.latency_runs > 0) {
    nn::LatencyOptions options;
    options.runs = args.latency_runs;
    options.threads = args.threads;
    const nn::LatencyReport lat = nn::MeasureLatency(arch, options);
    fmt::print(
        "latency (batch 1)     median {:.3f} ms, p10 {:.3f}, p90 {:.3f}, min {:.3f}, max "
        "{:.3f} ({} runs after {} warm-up, {} threads)\n",
        lat.median_ms, lat.p10_ms, lat.p90_ms, lat.min_ms, lat.max_ms, lat.runs, lat.warmup,
        lat.threads);
    j["latency"] = nn::LatencyReportToJson(lat);
  }
  if (!args.json_path.empty()) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : cost.layers) {
      layers.push_back({{"name", l.name},
                        {"op", LayerOpName(l.op)},
                        {"in", {l.in_channels, l.in_h, l.in_w}},
                        {"out", {l.out_channels, l.out_h, l.out_w}},
                        {"macs", l.macs},
                        {"flops", l.flops},
                        {"params", l.params}});
    }
    j["layers"] = layers;
    std::ofstream out(args.json_path);
    if (!out) throw ConfigError(fmt::format("cannot write '{}'", args.json_path));
    out << j.dump(2) << "\n";
  }
  return 0;
}

}  // namespace

void AddCostCommand(CLI::App& sub, CommandRun& run) {
  auto args = std::make_shared<CostArgs>();
  sub.add_option("--arch", args->arch_path, "Architecture JSON file (see examples/arch/)")
      ->required()
      ->check(CLI::ExistingFile);
  sub.add_option("--latency", args->latency_runs,
                 "Also measure host latency at batch 1 with N timed runs (0 = no)")
      ->capture_default_str();
  sub.add_option("--threads", args->threads, "libtorch threads for the latency measurement")
      ->capture_default_str();
  sub.add_option("--json", args->json_path, "Write the layers and totals as JSON to this file");
  run = [args] { return RunCost(*args); };
}

}  // namespace symnas::cli
