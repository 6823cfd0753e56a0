// The `nasbench201` evaluator kind of a study config: its options -> NAS-Bench-201 table
// look-ups that own their table, with the optional few-shot latency of a new device
// (hw/fewshot.hpp).
#include <fmt/core.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "symnas/common/error.hpp"
#include "symnas/hw/csv.hpp"
#include "symnas/hw/fewshot.hpp"
#include "symnas/tabular/nb201_search.hpp"
#include "symnas/tabular/nb201_table.hpp"

namespace symnas::tabular {
namespace {

/// `nasbench201`: table look-ups (Nb201Evaluator) that own their table.
class Nb201TableEvaluator : public search::Evaluator {
 public:
  Nb201TableEvaluator(std::shared_ptr<const Nb201Table> table, Nb201Dataset dataset,
                      Nb201Device device)
      : table_(std::move(table)), inner_(*table_, dataset, device) {}
  std::map<std::string, double> EstimateCosts(const search::Params& params) override {
    return inner_.EstimateCosts(params);
  }
  search::EvalResult Evaluate(const search::Params& params, std::uint64_t seed) override {
    return inner_.Evaluate(params, seed);
  }
  Nb201Evaluator& inner() { return inner_; }

 private:
  std::shared_ptr<const Nb201Table> table_;
  Nb201Evaluator inner_;
};

/// `latency: {estimator: fewshot, shots: K | FILE.csv, seed}` of the nasbench201 evaluator:
/// latency_ms predicted for a new device from the other devices' columns and measured cells
/// (hw/fewshot.hpp). `shots: K` simulates the measurements with K cells of the `device` column
/// (which is then hidden from the study); `shots: FILE.csv` reads measured cells (columns arch,
/// latency_ms) of a device the table does not have (`device` may then be any name).
void SetFewShotLatency(Nb201TableEvaluator& evaluator, const Nb201Table& table,
                       const nlohmann::json& latency_options, const std::string& device_name) {
  static const std::vector<OptionSpec> kLatencyOptions = {
      {.name = "estimator",
       .default_value = nullptr,
       .description = "fewshot (the table itself gives measured latency without a latency option)",
       .type = OptionType::kString,
       .required = true},
      {.name = "shots",
       .default_value = nullptr,
       .description = "K cells of the device's column, or a CSV of measured cells (arch, "
                      "latency_ms)",
       .required = true},
      {"seed", 0, "seed of the K sampled cells"},
  };
  const nlohmann::json latency =
      ResolveOptions({"evaluator", "nasbench201", "latency"}, kLatencyOptions, latency_options);
  if (latency["estimator"] != "fewshot") {
    throw ConfigError(
        "evaluator 'nasbench201': latency estimator must be 'fewshot' (the table "
        "itself gives measured latency without a latency option)");
  }
  std::vector<hw::Nb201Cell> cells;
  for (const auto& entry : table.entries())
    cells.push_back(hw::ParseNb201Cell(Nb201ArchString(entry.ops)));
  std::optional<Nb201Device> target;
  if (table.HasDevice(device_name)) target = table.Device(device_name);
  std::vector<std::string> names;
  std::vector<std::vector<double>> refs;
  for (const Nb201Device& d : table.devices()) {
    if (target && d == *target) continue;
    names.push_back(Nb201DeviceName(d));
    refs.emplace_back();
    for (const auto& entry : table.entries())
      refs.back().push_back(table.LatencyMs(entry.index, d));
  }
  std::vector<hw::LatencyShot> shots;
  std::string source;
  if (latency["shots"].is_number_integer()) {
    if (!target) {
      throw ConfigError("evaluator 'nasbench201': shots: K samples the table's column of device '" +
                        device_name + "', which it does not have; give a CSV of measured cells");
    }
    const int k = latency["shots"].get<int>();
    std::vector<size_t> order(table.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(latency["seed"].get<std::uint64_t>());
    std::shuffle(order.begin(), order.end(), rng);
    if (k < 3 || static_cast<size_t>(k) > order.size()) {
      throw ConfigError(
          fmt::format("evaluator 'nasbench201': shots {} must be in [3, {}]", k, order.size()));
    }
    for (int i = 0; i < k; ++i) {
      shots.push_back({order[static_cast<size_t>(i)],
                       table.LatencyMs(static_cast<int>(order[static_cast<size_t>(i)]), *target)});
    }
    source = fmt::format("fewshot ({} sampled cells of {})", k, device_name);
  } else if (latency["shots"].is_string()) {
    const std::string path = latency["shots"].get<std::string>();
    const hw::CsvTable csv = hw::ReadCsv(path);
    const int arch = csv.Column("arch"), ms = csv.Column("latency_ms");
    for (size_t r = 0; r < csv.rows.size(); ++r) {
      const int index = table.IndexOf(ParseNb201Arch(csv.rows[r][static_cast<size_t>(arch)]));
      shots.push_back({static_cast<size_t>(index), csv.Number(r, ms)});
    }
    source = fmt::format("fewshot ({} measured cells, {})", shots.size(), path);
  } else {
    throw ConfigError("evaluator 'nasbench201': latency shots must be a count K or a CSV file");
  }
  hw::FewShotFit fit = hw::FitFewShot(cells, names, refs, shots);
  source += ": " + fit.connected_model + " / " + fit.disconnected_model;
  evaluator.inner().SetLatencyOverride(std::move(fit.predicted_ms), source, target.has_value());
}

}  // namespace

const std::vector<OptionSpec>& Nb201EvaluatorOptions() {
  static const std::vector<OptionSpec> kOptions = {
      {.name = "data",
       .default_value = nullptr,
       .description = "the table CSV (default $SYMNAS_NB201_CSV, else the shipped "
                      "data/nasbench201/nasbench201_hw.csv)",
       .type = OptionType::kString},
      {"dataset", "cifar10", "cifar10, cifar100 or ImageNet16-120 (200-epoch accuracy)"},
      {.name = "device",
       .default_value = nullptr,
       .description = "a latency column of the table (default its first, raspi4)",
       .type = OptionType::kString},
      {.name = "latency",
       .default_value = nullptr,
       .description = "{estimator: fewshot, shots: K | FILE.csv, seed}: the device's latency "
                      "predicted from the other columns and K measured cells",
       .type = OptionType::kMapping},
  };
  return kOptions;
}

std::unique_ptr<search::Evaluator> MakeNb201Evaluator(const nlohmann::json& config) {
  const nlohmann::json options =
      ResolveOptions({"evaluator", "nasbench201", ""}, Nb201EvaluatorOptions(), config, "kind");
  auto table = std::make_shared<const Nb201Table>(
      Nb201Table::Load(options.value("data", DefaultNb201CsvPath())));
  // The default device is the table's first latency column (raspi4 in the shipped table).
  const std::string device = options.value("device", table->devices().front().name);
  const bool fewshot = options.contains("latency");
  // A few-shot device may be new to the table: its latency_ms is the prediction alone.
  const bool known = table->HasDevice(device);
  auto evaluator = std::make_unique<Nb201TableEvaluator>(
      table, ParseNb201Dataset(options["dataset"].get<std::string>()),
      fewshot && !known ? table->devices().front() : table->Device(device));
  if (fewshot) SetFewShotLatency(*evaluator, *table, options["latency"], device);
  return evaluator;
}

}  // namespace symnas::tabular
