// Estimator quality on real device data: NAS-Bench-201 latency CSV (15,625 cells x devices) ->
// per device, train the predictor on a seeded sample and score predictor and roofline on the
// rest with Kendall tau and MAPE.
#pragma once

#include <string>
#include <vector>

#include "symnas/hw/nb201.hpp"
#include "symnas/hw/predictor.hpp"

namespace symnas::hw {

/// Kendall tau-b between two equally long series (ties handled); O(n^2).
double KendallTau(const std::vector<double>& a, const std::vector<double>& b);

/// Mean absolute percentage error of `predicted` against `actual`, in percent.
double MapePercent(const std::vector<double>& actual, const std::vector<double>& predicted);

/// Median absolute percentage error, in percent.
double MedianApePercent(const std::vector<double>& actual, const std::vector<double>& predicted);

/// One line of the quality table.
struct QualityRow {
  std::string device;     ///< column suffix in the CSV, e.g. "raspi4"
  std::string estimator;  ///< "predictor", "roofline (profile)", "roofline (fitted scale)"
  std::string profile;    ///< the device profile used by roofline ("" for the predictor)
  int train_size = 0;
  int test_size = 0;
  double kendall_tau = 0;
  double mape_percent = 0;
  double median_ape_percent = 0;      ///< median absolute percentage error
  double mape_connected_percent = 0;  ///< MAPE over cells whose output depends on the input
};

/// Options of the NAS-Bench-201 validation.
struct Nb201ValidationOptions {
  std::string hw_csv;       ///< nasbench201_hw.csv (index, arch, ..., lat_ms_<device>...)
  std::string devices_dir;  ///< profiles for roofline
  int train_size = 500;     ///< cells used for training (seeded sample)
  unsigned seed = 0;
  int max_test = 0;  ///< 0 = every remaining cell; else a seeded subset (tests)
  PredictorOptions predictor;
  std::vector<std::string> devices;  ///< CSV device columns to validate (empty = all)
  std::string predictions_csv;       ///< if set: write device,index,actual_ms,predicted_ms here
};

/// Features used for NAS-Bench-201 cells (feature set "arch+nb201_edges"): ArchFeatures of the
/// effective (dead-code-eliminated) cifar10 network, ArchFeatures of the full network, a
/// connected flag, and the one-hot op of each of the 6 edges of the pruned and the raw cell.
std::vector<double> Nb201Features(const Nb201Cell& cell);

/// The device profile roofline uses for a CSV device column ("" if none is shipped).
std::string ProfileForNb201Device(const std::string& device);

/// Runs the validation for every lat_ms_<device> column of the CSV. Roofline is evaluated on the
/// effective network (Nb201EffectiveLayerList).
std::vector<QualityRow> ValidateNb201(const Nb201ValidationOptions& options);

/// Markdown table of the rows (device, estimator, roofline network, train, test, tau, MAPE,
/// median APE, MAPE on connected cells).
std::string FormatQualityTable(const std::vector<QualityRow>& rows);

}  // namespace symnas::hw
