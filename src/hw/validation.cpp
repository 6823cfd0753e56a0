// NAS-Bench-201 device CSV -> per-device quality rows for the predictor and roofline.
// Steps per device: seeded split (train_size / rest), train XGBoost on train features, predict
// the rest; roofline from the matching profile, raw and with a scale fitted on the train split.
#include "symnas/hw/validation.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>

#include "symnas/common/error.hpp"
#include "symnas/hw/csv.hpp"
#include "symnas/hw/features.hpp"
#include "symnas/hw/profile.hpp"
#include "symnas/hw/roofline.hpp"

namespace symnas::hw {

double KendallTau(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 2) {
    throw ConfigError("Kendall tau needs two series of equal length >= 2");
  }
  const size_t n = a.size();
  double concordant = 0, discordant = 0, ties_a = 0, ties_b = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      const double da = a[i] - a[j], db = b[i] - b[j];
      if (da == 0 && db == 0) continue;
      if (da == 0) {
        ties_a += 1;
      } else if (db == 0) {
        ties_b += 1;
      } else if ((da > 0) == (db > 0)) {
        concordant += 1;
      } else {
        discordant += 1;
      }
    }
  }
  const double denom =
      std::sqrt((concordant + discordant + ties_a) * (concordant + discordant + ties_b));
  return denom > 0 ? (concordant - discordant) / denom : 0;
}

double MapePercent(const std::vector<double>& actual, const std::vector<double>& predicted) {
  if (actual.size() != predicted.size() || actual.empty()) {
    throw ConfigError("MAPE needs two non-empty series of equal length");
  }
  double sum = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    sum += std::abs(predicted[i] - actual[i]) / std::abs(actual[i]);
  }
  return 100.0 * sum / static_cast<double>(actual.size());
}

double MedianApePercent(const std::vector<double>& actual, const std::vector<double>& predicted) {
  if (actual.size() != predicted.size() || actual.empty()) {
    throw ConfigError("median APE needs two non-empty series of equal length");
  }
  std::vector<double> ape;
  for (size_t i = 0; i < actual.size(); ++i) {
    ape.push_back(std::abs(predicted[i] - actual[i]) / std::abs(actual[i]));
  }
  std::nth_element(ape.begin(), ape.begin() + ape.size() / 2, ape.end());
  return 100.0 * ape[ape.size() / 2];
}

std::vector<double> Nb201Features(const Nb201Cell& cell) {
  const Nb201Dataset cifar10 = Nb201DatasetByName("cifar10");
  std::vector<double> f = ArchFeatures(Nb201LayerList(cell, cifar10));
  const std::vector<double> effective = ArchFeatures(Nb201EffectiveLayerList(cell, cifar10));
  f.insert(f.end(), effective.begin(), effective.end());
  const Nb201Pruned both = PruneNb201Cell(cell, Nb201Prune::kInputAndOutput);
  const std::vector<double> live =
      ArchFeatures(both.connected ? Nb201LayerList(both.cell, cifar10) : LayerList{});
  f.insert(f.end(), live.begin(), live.end());
  f.push_back(both.connected ? 1.0 : 0.0);
  const bool output_fed = cell.ops[3] != Nb201Op::kNone || cell.ops[4] != Nb201Op::kNone ||
                          cell.ops[5] != Nb201Op::kNone;
  f.push_back(output_fed ? 1.0 : 0.0);
  for (Nb201Op op : cell.ops) {
    for (int k = 0; k < kNb201Ops; ++k) f.push_back(static_cast<int>(op) == k ? 1.0 : 0.0);
  }
  return f;
}

std::string ProfileForNb201Device(const std::string& device) {
  if (device == "raspi4") return "raspi4";
  if (device == "pixel3") return "pixel3";
  if (device == "gold_6226") return "gold_6226";
  if (device.rfind("titan_rtx", 0) == 0) return "titan_rtx";
  return "";
}

namespace {
template <typename T>
std::vector<T> Pick(const std::vector<T>& all, const std::vector<size_t>& idx) {
  std::vector<T> out;
  out.reserve(idx.size());
  for (size_t i : idx) out.push_back(all[i]);
  return out;
}

// Scores predictions of the test cells; `connected[i]` flags test cell i as connected.
QualityRow Score(const std::string& device, const std::string& estimator,
                 const std::string& profile, int train_size, const std::vector<double>& actual,
                 const std::vector<double>& predicted, const std::vector<bool>& connected) {
  QualityRow row{device, estimator, profile, train_size, static_cast<int>(actual.size())};
  row.kendall_tau = KendallTau(actual, predicted);
  row.mape_percent = MapePercent(actual, predicted);
  row.median_ape_percent = MedianApePercent(actual, predicted);
  std::vector<double> a, p;
  for (size_t i = 0; i < actual.size(); ++i) {
    if (connected[i]) a.push_back(actual[i]), p.push_back(predicted[i]);
  }
  row.mape_connected_percent = a.empty() ? 0 : MapePercent(a, p);
  return row;
}

// Roofline rows: raw profile latency and the same scaled by exp(median log ratio) on train.
void AddRooflineRows(const std::string& device, const std::string& profile_name,
                     const std::vector<double>& roofline_ms, const std::vector<double>& latency,
                     const std::vector<size_t>& train, const std::vector<size_t>& test,
                     const std::vector<bool>& connected, std::vector<QualityRow>& rows) {
  const std::vector<double> actual = Pick(latency, test);
  const std::vector<double> raw = Pick(roofline_ms, test);
  rows.push_back(Score(device, "roofline (profile)", profile_name, 0, actual, raw, connected));
  std::vector<double> log_ratio;
  for (size_t i : train) log_ratio.push_back(std::log(latency[i] / roofline_ms[i]));
  std::nth_element(log_ratio.begin(), log_ratio.begin() + log_ratio.size() / 2, log_ratio.end());
  const double scale = std::exp(log_ratio[log_ratio.size() / 2]);
  std::vector<double> scaled = raw;
  for (double& v : scaled) v *= scale;
  rows.push_back(Score(device, fmt::format("roofline (x{:.3g} fitted)", scale), profile_name,
                       static_cast<int>(train.size()), actual, scaled, connected));
}
}  // namespace

std::vector<QualityRow> ValidateNb201(const Nb201ValidationOptions& options) {
  const CsvTable table = ReadCsv(options.hw_csv);
  const int arch_col = table.Column("arch");
  std::vector<Nb201Cell> cells;
  FeatureRows features;
  for (const auto& row : table.rows) {
    cells.push_back(ParseNb201Cell(row[static_cast<size_t>(arch_col)]));
    features.push_back(Nb201Features(cells.back()));
  }
  const size_t n = cells.size();
  if (options.train_size < 2 || static_cast<size_t>(options.train_size) + 2 > n) {
    throw ConfigError(fmt::format("train size {} must be in [2, {}]", options.train_size, n - 2));
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(options.seed);
  std::shuffle(order.begin(), order.end(), rng);
  const std::vector<size_t> train(order.begin(), order.begin() + options.train_size);
  std::vector<size_t> test(order.begin() + options.train_size, order.end());
  if (options.max_test > 0 && test.size() > static_cast<size_t>(options.max_test)) {
    test.resize(static_cast<size_t>(options.max_test));
  }
  std::vector<bool> connected;
  for (size_t i : test) {
    connected.push_back(PruneNb201Cell(cells[i], Nb201Prune::kInputAndOutput).connected);
  }
  std::vector<QualityRow> rows;
  std::ofstream predictions;
  if (!options.predictions_csv.empty()) {
    predictions.open(options.predictions_csv);
    if (!predictions) throw ConfigError("cannot write '" + options.predictions_csv + "'");
    predictions << "device,index,actual_ms,predicted_ms\n";
  }
  for (const LatencyColumn& column : LatencyColumns(table)) {
    const int c = column.column;
    const std::string& device = column.device;
    if (!options.devices.empty() && std::find(options.devices.begin(), options.devices.end(),
                                              device) == options.devices.end()) {
      continue;
    }
    std::vector<double> latency;
    for (size_t r = 0; r < n; ++r) latency.push_back(table.Number(r, c));
    LatencyPredictor predictor;
    predictor.Train(Pick(features, train), Pick(latency, train), "arch+nb201_edges",
                    options.predictor);
    const std::vector<double> predicted = predictor.Predict(Pick(features, test));
    const std::string name =
        options.predictor.objective == "reg:squarederror" ? "predictor" : "predictor (rank)";
    rows.push_back(
        Score(device, name, "", options.train_size, Pick(latency, test), predicted, connected));
    for (size_t i = 0; predictions.is_open() && i < test.size(); ++i) {
      predictions << fmt::format("{},{},{:.6g},{:.6g}\n", device, test[i], latency[test[i]],
                                 predicted[i]);
    }
    std::string profile_name = ProfileForNb201Device(device);
    if (profile_name.empty()) profile_name = "edge_cpu";
    const DeviceProfile profile = LoadProfileByName(profile_name, options.devices_dir);
    // Roofline on the full and on the dead-code-eliminated network; the variant that ranks the
    // training cells better is kept (runtimes differ: TFLite prunes, PyTorch does not).
    std::vector<double> full_ms, effective_ms;
    const Nb201Dataset cifar10 = Nb201DatasetByName("cifar10");
    for (const Nb201Cell& cell : cells) {
      full_ms.push_back(Roofline(Nb201LayerList(cell, cifar10), profile).latency_ms);
      effective_ms.push_back(Roofline(Nb201EffectiveLayerList(cell, cifar10), profile).latency_ms);
    }
    const std::vector<double> train_latency = Pick(latency, train);
    const bool use_effective = KendallTau(train_latency, Pick(effective_ms, train)) >
                               KendallTau(train_latency, Pick(full_ms, train));
    AddRooflineRows(device, profile_name + (use_effective ? " eff." : " full"),
                    use_effective ? effective_ms : full_ms, latency, train, test, connected, rows);
  }
  return rows;
}

std::string FormatQualityTable(const std::vector<QualityRow>& rows) {
  std::string out = fmt::format(
      "| {:<12} | {:<26} | {:<15} | {:>5} | {:>6} | {:>7} | {:>8} | {:>8} | {:>10} |\n", "device",
      "estimator", "roofline net", "train", "test", "tau", "MAPE %", "MdAPE %", "MAPE conn.");
  out +=
      "|--------------|----------------------------|-----------------|------:|-------:|"
      "--------:|---------:|---------:|-----------:|\n";
  for (const QualityRow& r : rows) {
    out += fmt::format(
        "| {:<12} | {:<26} | {:<15} | {:>5} | {:>6} | {:>7.4f} | {:>8.2f} | {:>8.2f} | {:>10.2f} "
        "|\n",
        r.device, r.estimator, r.profile.empty() ? "-" : r.profile, r.train_size, r.test_size,
        r.kendall_tau, r.mape_percent, r.median_ape_percent, r.mape_connected_percent);
  }
  return out;
}

}  // namespace symnas::hw
