// Few-shot latency prediction for a new device: the other devices' measured latencies of every
// cell (a "hardware embedding", HELP, Lee et al. NeurIPS 2021) plus K measured cells of the new
// device -> a predicted latency for every cell of the table.
//
// The model averages (in log space) the small fits that K = 10 points can pin down and whose
// leave-one-out error on the shots (log-space squared error) is within 1.5x of the best one's:
//   ref <device>        log y = a + b log(latency on <device>)          (2 parameters)
//   additive raw        y = c0 + sum_op c_op * count_op(raw cell)        (5 parameters)
//   additive pruned     the same on the dead-code-eliminated cell        (5 parameters)
// The additive fits are a per-op cost table (one entry per operation, charged 15 times: once
// per cell of the network): on NAS-Bench-201 the PyTorch/FPGA devices are additive in the raw
// cell, TFLite devices in the pruned cell. The choice is made on the connected shots; cells
// whose output does not depend on the input (TFLite folds them to constants, 0.005-7 ms) are
// predicted by the log-linear map of the reference device most correlated with the shots.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "symnas/hw/nb201.hpp"

namespace symnas::hw {

/// Cells and device latencies read from a CSV with an `arch` column (NAS-Bench-201 cell
/// strings) and any number of `lat_ms_<device>` columns; other columns are ignored.
struct DeviceLatencyTable {
  std::string path;
  std::vector<Nb201Cell> cells;
  std::vector<std::string> devices;             ///< the <device> suffixes, in column order
  std::vector<std::vector<double>> latency_ms;  ///< [device][cell], all > 0

  /// DatasetError for a missing file, no `arch` or no `lat_ms_*` column, a bad cell or a
  /// non-positive latency (at file:line).
  static DeviceLatencyTable Load(const std::string& csv_path);
  /// Index of a device; UnknownNameError listing the devices.
  int DeviceIndex(const std::string& device) const;
};

/// One measured cell of the new device: its row in the table and its latency.
struct LatencyShot {
  std::size_t cell = 0;
  double latency_ms = 0;
};

/// What Fit chose, and its predictions for every cell of the table.
struct FewShotFit {
  std::string connected_model;       ///< "ref pixel3 + additive pruned": the averaged fits
  std::string disconnected_model;    ///< "ref pixel3" (or the connected model without references)
  std::vector<double> predicted_ms;  ///< one per cell
};

/// Fits the new device's latency from `shots` and the reference devices' latencies of every
/// cell (`references[d][cell]`, names in `reference_names`; may be empty: then only the
/// additive fits). ConfigError for fewer than 3 shots, a shot outside the table or a
/// non-positive latency.
FewShotFit FitFewShot(const std::vector<Nb201Cell>& cells,
                      const std::vector<std::string>& reference_names,
                      const std::vector<std::vector<double>>& references,
                      const std::vector<LatencyShot>& shots);

/// Fits device `target` of the table from `shots`, using every other device as a reference.
FewShotFit FitFewShot(const DeviceLatencyTable& table, int target,
                      const std::vector<LatencyShot>& shots);

/// K distinct cells drawn uniformly (seeded), their latency taken from the table's `target`.
std::vector<LatencyShot> SampleShots(const DeviceLatencyTable& table, int target, int k,
                                     std::uint64_t seed);

/// Spearman rank correlation (ties get their average rank).
double SpearmanRho(const std::vector<double>& a, const std::vector<double>& b);

/// Options of the leave-one-device-out evaluation.
struct FewShotEvalOptions {
  std::vector<std::string> devices;  ///< targets (empty = every device of the table)
  std::vector<int> shots = {10, 20, 50};
  int draws = 5;                  ///< shot samples per device and K
  std::uint64_t seed = 0;         ///< draw r of K uses seed + 1000 * r + K
  bool xgboost_baseline = false;  ///< also XGBoost on the K shots alone (arch features)
};

/// One draw: the scores on all cells of the target that were not shots.
struct FewShotDraw {
  std::string device;
  std::string method;  ///< "fewshot" or "xgboost (K shots)"
  int k = 0;
  int draw = 0;
  std::string model;  ///< what FitFewShot chose ("ref pixel3 / ref pixel3")
  double spearman = 0, kendall = 0, mape = 0, mape_connected = 0;
};

/// Every draw of every target device and K.
std::vector<FewShotDraw> EvaluateFewShot(const DeviceLatencyTable& table,
                                         const FewShotEvalOptions& options);

/// Markdown: one row per device, method and K (mean and 95 % t-interval over the draws, the
/// models chosen), then the mean over devices per method and K.
std::string FewShotMarkdown(const std::vector<FewShotDraw>& draws);

}  // namespace symnas::hw
