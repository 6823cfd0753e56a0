// Evaluator kinds of the CLI: synthetic test functions and the NAS-Bench-201 table (always), the
// CNN trainer (nn layer).
#include "evaluator_kinds.hpp"

#include <fmt/core.h>

#include "symnas/common/error.hpp"
#include "symnas/search/synthetic.hpp"
#include "symnas/tabular/nb201_search.hpp"
#ifdef SYMNAS_HAVE_NN
#include "symnas/nn/evaluator.hpp"
#endif

namespace symnas::cli {

namespace {
std::unique_ptr<search::Evaluator> MakeSynthetic(const nlohmann::json& options) {
  return std::make_unique<search::SyntheticEvaluator>(search::SyntheticOptions::FromJson(options));
}

/// `nasbench201`: table look-ups (tabular::Nb201Evaluator) that own their table.
class Nb201TableEvaluator : public search::Evaluator {
 public:
  Nb201TableEvaluator(std::shared_ptr<const tabular::Nb201Table> table,
                      tabular::Nb201Dataset dataset, tabular::Nb201Device device)
      : table_(std::move(table)), inner_(*table_, dataset, device) {}
  std::map<std::string, double> EstimateCosts(const search::Params& params) override {
    return inner_.EstimateCosts(params);
  }
  search::EvalResult Evaluate(const search::Params& params, std::uint64_t seed) override {
    return inner_.Evaluate(params, seed);
  }

 private:
  std::shared_ptr<const tabular::Nb201Table> table_;
  tabular::Nb201Evaluator inner_;
};

/// Options: data (nasbench201_hw.csv, default the shipped copy), dataset, device.
std::unique_ptr<search::Evaluator> MakeNb201(const nlohmann::json& options) {
  for (const auto& [key, value] : options.items()) {
    if (key != "kind" && key != "data" && key != "dataset" && key != "device") {
      throw ConfigError(fmt::format(
          "evaluator 'nasbench201' has no option '{}' (options: data, dataset, device)", key));
    }
  }
  auto table = std::make_shared<const tabular::Nb201Table>(
      tabular::Nb201Table::Load(options.value("data", tabular::DefaultNb201CsvPath())));
  return std::make_unique<Nb201TableEvaluator>(
      std::move(table), tabular::ParseNb201Dataset(options.value("dataset", "cifar10")),
      tabular::ParseNb201Device(options.value("device", "raspi4")));
}

#ifdef SYMNAS_HAVE_NN
/// Adds study-wide fixed parameters (e.g. epochs) to every candidate that lacks them.
class FixedParamsEvaluator : public search::Evaluator {
 public:
  FixedParamsEvaluator(std::unique_ptr<search::Evaluator> inner, search::Params fixed)
      : inner_(std::move(inner)), fixed_(std::move(fixed)) {}
  std::map<std::string, double> EstimateCosts(const search::Params& params) override {
    return inner_->EstimateCosts(With(params));
  }
  search::EvalResult Evaluate(const search::Params& params, std::uint64_t seed) override {
    return inner_->Evaluate(With(params), seed);
  }

 private:
  search::Params With(search::Params params) const {
    for (const auto& [name, value] : fixed_) params.emplace(name, value);
    return params;
  }
  std::unique_ptr<search::Evaluator> inner_;
  search::Params fixed_;
};

/// `cnn`: trains the CNN template (nn::TrainingEvaluator) on a dataset of the nn table.
/// Options: dataset, dir, validation_size, train_subset, val_subset, split_seed, threads,
/// epochs (a fixed template parameter of every candidate unless the space sets it).
std::unique_ptr<search::Evaluator> MakeCnn(const nlohmann::json& options) {
  static const char* kOptions[] = {"kind",         "dataset",    "dir",        "validation_size",
                                   "train_subset", "val_subset", "split_seed", "threads",
                                   "epochs"};
  for (const auto& [key, value] : options.items()) {
    bool known = false;
    for (const char* k : kOptions) known |= key == k;
    if (!known) {
      throw ConfigError(
          fmt::format("evaluator 'cnn' has no option '{}' (options: dataset, dir, validation_size, "
                      "train_subset, val_subset, split_seed, threads, epochs)",
                      key));
    }
  }
  nn::DataOptions data;
  data.dataset = options.value("dataset", data.dataset);
  data.dir = options.value("dir", data.dir);
  data.validation_size = options.value("validation_size", data.validation_size);
  data.train_subset = options.value("train_subset", data.train_subset);
  data.val_subset = options.value("val_subset", data.val_subset);
  data.split_seed = options.value("split_seed", data.split_seed);
  data.load_test = false;  // the test set is never read during a search
  nn::TrainOptions train;
  train.threads = options.value("threads", train.threads);
  auto splits = std::make_shared<const nn::DataSplits>(nn::LoadSplits(data));
  search::Params fixed;
  if (options.contains("epochs")) fixed["epochs"] = options["epochs"].get<std::int64_t>();
  return std::make_unique<FixedParamsEvaluator>(
      std::make_unique<nn::TrainingEvaluator>(std::move(splits), train), std::move(fixed));
}
#endif

}  // namespace

const std::vector<EvaluatorKind>& EvaluatorKinds() {
  static const std::vector<EvaluatorKind> kKinds = {
      {"synthetic",
       "test functions with known optima and fake FLOPs (branin, hartmann6, mixed, cnn_proxy)",
       &MakeSynthetic},
      {"nasbench201",
       "NAS-Bench-201 table look-up: 200-epoch accuracy (data, dataset) and measured latency_ms "
       "(device); use with the edge_0..edge_5 space of examples/nasbench201_symbolic.yaml",
       &MakeNb201},
#ifdef SYMNAS_HAVE_NN
      {"cnn", "train the CNN template with libtorch on a dataset (validation split scores it)",
       &MakeCnn},
#endif
  };
  return kKinds;
}

std::unique_ptr<search::Evaluator> MakeEvaluator(const nlohmann::json& config) {
  const std::string kind = config.value("kind", std::string());
  std::string valid;
  for (const auto& k : EvaluatorKinds()) {
    if (kind == k.name) {
      try {
        return k.make(config);
      } catch (const nlohmann::json::exception& e) {
        throw ConfigError("evaluator '" + kind + "': " + e.what());
      }
    }
    valid += (valid.empty() ? "" : ", ") + std::string(k.name);
  }
  throw UnknownNameError(UnknownNameMessage("evaluator kind", kind, valid));
}

}  // namespace symnas::cli
