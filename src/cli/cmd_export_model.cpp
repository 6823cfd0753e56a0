// `symnas export-model`: takes a trained model (a study trial's kept weights, retrained with the
// trial's seed when none were kept, or a `train --save` file) and writes it in a deployable
// format of nn::ExportFormats(); prints the file size, FLOPs and parameters (as `symnas cost`),
// and for an int8 format the int8 accuracy (simulated in libtorch) beside the fp32 one.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <fstream>
#include <memory>

#include "commands.hpp"
#include "evaluator_kinds.hpp"
#include "symnas/common/error.hpp"
#include "symnas/nn/cost.hpp"
#include "symnas/nn/dataset.hpp"
#include "symnas/nn/export.hpp"
#include "symnas/nn/quantise.hpp"
#include "symnas/store/study_store.hpp"

namespace symnas::cli {
namespace {

struct ExportModelArgs {
  std::string study_path;
  std::string trial = "best";
  std::string weights_path;
  std::string format = "onnx";
  std::string out_path;
  std::string accuracy_on = "test";  ///< int8 formats: test, validation or none
  std::string data_dir;              ///< --weights: the dataset's directory
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

// The model bytes of the chosen study trial; retrains when no weights were kept. Sets
// `evaluator` to the study's evaluator config.
std::string StudyModelBytes(const ExportModelArgs& a, nlohmann::json& evaluator) {
  auto store = store::StudyStore::Open(a.study_path, store::OpenMode::kReadOnly);
  const search::TrialRecord trial = PickTrial(store->LoadTrials(), a.trial, a.study_path);
  const auto config = store->LoadConfig();
  if (!config || !config->contains("evaluator")) {
    throw StoreError(fmt::format("study '{}' has no stored config", a.study_path));
  }
  evaluator = (*config)["evaluator"];
  if (auto kept = store->LoadWeights(trial.id)) {
    fmt::print("trial {}: stored weights ({} bytes, {})\n", trial.id, kept->second.size(),
               kept->first);
    return kept->second;
  }
  fmt::print(
      "trial {}: no weights kept in the study; retraining it with its seed {} (same data "
      "split and settings as the study)\n",
      trial.id, trial.seed);
  std::fflush(stdout);
  return RetrainWeights((*config)["evaluator"], trial.params, trial.seed);
}

// The data the int8 accuracy is measured on: the study's own splits (its evaluator config), or
// for a --weights model its dataset format in --data-dir (default: the format's directory).
nn::DataOptions AccuracyData(const ExportModelArgs& a, const nn::TrainedModel& model,
                             const nlohmann::json& evaluator) {
  nn::DataOptions data;
  if (!a.study_path.empty()) {
    data = CnnDataOptions(evaluator);
  } else {
    if (a.accuracy_on == "validation") {
      throw ConfigError(
          "--accuracy-on validation needs --study: a train --save file does not record its "
          "validation split; use --accuracy-on test (or none)");
    }
    data.dataset = model.dataset;
    data.dir = a.data_dir;
    data.validation_size = 1;  // only the test split is used
    if (nn::FindDatasetFormat(model.dataset).takes_image_options) {
      data.image = {model.arch.input.height, model.arch.input.width, model.arch.input.channels};
    }
    data.dir_option = "pass --data-dir (or --accuracy-on none)";
  }
  data.load_test = a.accuracy_on == "test";
  return data;
}

// Prints the fp32 and the simulated int8 accuracy of `model` on the split --accuracy-on names.
void PrintInt8Accuracy(const ExportModelArgs& a, nn::TrainedModel& model,
                       const nlohmann::json& evaluator) {
  const nn::DataOptions options = AccuracyData(a, model, evaluator);
  fmt::print("accuracy on          the {} split of {} (--accuracy-on test|validation|none)\n",
             a.accuracy_on, options.dataset);
  std::fflush(stdout);
  const nn::DataSplits data = nn::LoadSplits(options);
  const nn::InputShape& in = model.arch.input;
  if (data.input.channels != in.channels || data.input.height != in.height ||
      data.input.width != in.width || data.classes != model.arch.classes) {
    throw ConfigError(fmt::format(
        "the data ({} x {} x {}, {} classes) does not fit the model ({} x {} x {}, {} classes)",
        data.input.channels, data.input.height, data.input.width, data.classes, in.channels,
        in.height, in.width, model.arch.classes));
  }
  const nn::Dataset& split = a.accuracy_on == "test" ? *data.test : data.val;
  const nn::Int8Accuracy acc = nn::MeasureInt8Accuracy(model, split, data.mean, data.std);
  fmt::print("fp32 accuracy        {:.2f} % ({} images)\n", 100 * acc.fp32, acc.images);
  fmt::print(
      "int8 accuracy        {:.2f} % (the written QDQ graph simulated in libtorch; drop "
      "{:.2f} points, same class as fp32 for {:.2f} %)\n",
      100 * acc.int8, 100 * (acc.fp32 - acc.int8), 100 * acc.same_class);
}

int RunExportModel(const ExportModelArgs& a) {
  if (a.study_path.empty() == a.weights_path.empty()) {
    throw ConfigError("give exactly one of --study (a search study) or --weights (train --save)");
  }
  const nn::ExportFormat& format = nn::FindExportFormat(a.format);
  nlohmann::json evaluator;
  const std::string bytes =
      a.study_path.empty() ? ReadBytes(a.weights_path) : StudyModelBytes(a, evaluator);
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
  if (format.int8 && a.accuracy_on != "none") PrintInt8Accuracy(a, model, evaluator);
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
  sub.add_option("--accuracy-on", args->accuracy_on,
                 "int8 formats: the split the fp32 and int8 accuracy are measured on (test, "
                 "validation: the study's own split, none)")
      ->check(CLI::IsMember({"test", "validation", "none"}))
      ->capture_default_str();
  sub.add_option("--data-dir", args->data_dir,
                 "--weights with an int8 format: the dataset directory (default: the format's)");
  run = [args] { return RunExportModel(*args); };
}

}  // namespace symnas::cli
