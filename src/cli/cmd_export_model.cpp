// `symnas export-model`: takes a trained model (a study trial's kept weights, retrained with the
// trial's seed when none were kept, or a `train --save` file) and writes it in a deployable
// format of nn::ExportFormats(); prints the file size, FLOPs and parameters (as `symnas cost`).
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <fstream>
#include <memory>

#include "commands.hpp"
#include "evaluator_kinds.hpp"
#include "symnas/common/error.hpp"
#include "symnas/nn/cost.hpp"
#include "symnas/nn/export.hpp"
#include "symnas/store/study_store.hpp"

namespace symnas::cli {
namespace {

struct ExportModelArgs {
  std::string study_path;
  std::string trial = "best";
  std::string weights_path;
  std::string format = "onnx";
  std::string out_path;
};

// The trial `which` ("best" or an id) among the study's trials.
search::TrialRecord PickTrial(const std::vector<search::TrialRecord>& trials,
                              const std::string& which, const std::string& path) {
  const search::TrialRecord* best = nullptr;
  for (const auto& t : trials) {
    if (t.status != search::TrialStatus::kComplete) continue;
    if (which != "best") {
      if (std::to_string(t.id) == which) return t;
      continue;
    }
    const bool better = best == nullptr || (t.objective.feasible && !best->objective.feasible) ||
                        (t.objective.feasible == best->objective.feasible &&
                         t.objective.score > best->objective.score);
    if (better) best = &t;
  }
  if (which == "best" && best != nullptr) return *best;
  throw ConfigError(which == "best"
                        ? fmt::format("study '{}' has no completed trial to export", path)
                        : fmt::format("study '{}' has no completed trial {} (see symnas trials "
                                      "--study {})",
                                      path, which, path),
                    {path, 0, 0});
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("cannot read '{}'", path), {path, 0, 0});
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The model bytes of the chosen study trial; retrains when no weights were kept.
std::string StudyModelBytes(const ExportModelArgs& a) {
  auto store = store::StudyStore::Open(a.study_path, store::OpenMode::kReadOnly);
  const search::TrialRecord trial = PickTrial(store->LoadTrials(), a.trial, a.study_path);
  if (auto kept = store->LoadWeights(trial.id)) {
    fmt::print("trial {}: stored weights ({} bytes, {})\n", trial.id, kept->second.size(),
               kept->first);
    return kept->second;
  }
  const auto config = store->LoadConfig();
  if (!config || !config->contains("evaluator")) {
    throw StoreError(fmt::format("study '{}' has no stored config", a.study_path));
  }
  fmt::print(
      "trial {}: no weights kept in the study; retraining it with its seed {} (same data "
      "split and settings as the study)\n",
      trial.id, trial.seed);
  std::fflush(stdout);
  return RetrainWeights((*config)["evaluator"], trial.params, trial.seed);
}

int RunExportModel(const ExportModelArgs& a) {
  if (a.study_path.empty() == a.weights_path.empty()) {
    throw ConfigError("give exactly one of --study (a search study) or --weights (train --save)");
  }
  const nn::ExportFormat& format = nn::FindExportFormat(a.format);
  const std::string bytes = a.study_path.empty() ? ReadBytes(a.weights_path) : StudyModelBytes(a);
  nn::TrainedModel model =
      nn::DeserializeTrainedModel(bytes, a.study_path.empty() ? a.weights_path : a.study_path);
  const nn::ExportSummary summary = format.write(model, a.out_path);
  const nn::CostReport cost = nn::AnalyzeCost(model.arch);
  if (summary.params != cost.params) {
    throw Error("ExportError", fmt::format("exported {} parameters, but the cost model counts {}",
                                           summary.params, cost.params));
  }
  fmt::print("wrote {} ({}, {})\n", a.out_path, format.name, summary.details);
  fmt::print("file size            {} bytes\n", summary.file_bytes);
  fmt::print("params               {} (as symnas cost)\n", summary.params);
  fmt::print("FLOPs                {:.0f}\nMACs                 {:.0f}\n", cost.flops, cost.macs);
  fmt::print("input                float N x {} x {} x {}, pixels / 255 (standardised inside)\n",
             model.arch.input.channels, model.arch.input.height, model.arch.input.width);
  fmt::print("output               logits N x {}{}\n", model.arch.classes,
             model.class_names.empty()
                 ? ""
                 : fmt::format(" (classes: {})", fmt::join(model.class_names, ", ")));
  return 0;
}

}  // namespace

void AddExportModelCommand(CLI::App& sub, CommandRun& run) {
  auto args = std::make_shared<ExportModelArgs>();
  sub.add_option("--study", args->study_path, "Study file of a cnn search")
      ->check(CLI::ExistingFile);
  sub.add_option("--trial", args->trial, "Trial id, or best")->capture_default_str();
  sub.add_option("--weights", args->weights_path, "Model file written by symnas train --save")
      ->check(CLI::ExistingFile);
  std::string formats;
  for (const auto& f : nn::ExportFormats())
    formats += (formats.empty() ? "" : ", ") + std::string(f.name);
  sub.add_option("--format", args->format, "Export format: " + formats)->capture_default_str();
  sub.add_option("--out", args->out_path, "Output file")->required();
  run = [args] { return RunExportModel(*args); };
}

}  // namespace symnas::cli
