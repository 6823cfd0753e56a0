// NAS-Bench-201 as a search problem: the `nasbench201` space (six edges, five operations each)
// and an Evaluator that looks cells up in the table, so every symnas strategy runs on it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "symnas/common/options.hpp"
#include "symnas/search/evaluator.hpp"
#include "symnas/search/space.hpp"
#include "symnas/tabular/nb201_table.hpp"

namespace symnas::tabular {

/// Six categorical dimensions edge_0 .. edge_5 (edge order of the architecture string), each
/// over the five operations; default nor_conv_3x3 everywhere.
search::SearchSpace Nb201Space();

/// The operations a candidate of Nb201Space stands for; ConfigError naming a missing edge or
/// an unknown operation.
Nb201Ops OpsFromParams(const search::Params& params);
/// The candidate of Nb201Space for these operations.
search::Params ParamsFromOps(const Nb201Ops& ops);

/// "latency_ms@raspi4": the metric name of one device's latency (every Nb201Evaluator reports
/// one per device of the table, so constraints can bound several devices at once).
std::string DeviceLatencyMetric(const Nb201Device& device);

/// Table look-up evaluator. Metrics: latency_ms (measured on the chosen device, or the
/// prediction set by SetLatencyOverride) and latency_ms@<device> for every device (measured:
/// multi-target constraints such as {latency_ms@raspi4: 20, latency_ms@fpga: 3}); accuracy is
/// the table's 200-epoch test accuracy of the chosen dataset divided by 100 (the table has no
/// separate validation accuracy: the benchmark searches and scores on the same figure, as
/// HW-NAS-Bench comparisons do). Each evaluation is charged `seconds_per_eval` of simulated
/// time.
class Nb201Evaluator : public search::Evaluator {
 public:
  Nb201Evaluator(const Nb201Table& table, Nb201Dataset dataset, Nb201Device device,
                 double seconds_per_eval = 1.0)
      : table_(table), dataset_(dataset), device_(device), seconds_per_eval_(seconds_per_eval) {}

  /// Latency is a measurement of the device, known without training.
  std::map<std::string, double> EstimateCosts(const search::Params& params) override;
  search::EvalResult Evaluate(const search::Params& params, std::uint64_t seed) override;

  /// Replaces latency_ms by `latency_ms[index]` (one per table cell: a few-shot prediction
  /// for a new device); `source` is recorded in each trial's details (latency_source). With
  /// `hide_device` the chosen device stands for the new one: its measured column is no longer
  /// reported as latency_ms@<device> (only in details.latency_ms_measured, for scoring).
  void SetLatencyOverride(std::vector<double> latency_ms, std::string source, bool hide_device) {
    latency_override_ = std::move(latency_ms);
    latency_source_ = std::move(source);
    hide_device_ = hide_device;
  }

  /// Number of Evaluate calls so far.
  std::int64_t evaluations() const { return evaluations_; }

 private:
  const Nb201Table& table_;
  Nb201Dataset dataset_;
  Nb201Device device_;
  double seconds_per_eval_;
  std::int64_t evaluations_ = 0;
  std::vector<double> latency_override_;
  std::string latency_source_;
  bool hide_device_ = false;

  double LatencyOf(int index) const;
};

/// The options of the `nasbench201` evaluator kind: data (a table CSV, default the shipped
/// copy), dataset, device (a latency column of the table, default its first) and latency
/// ({estimator: fewshot, shots: K | FILE.csv, seed}: a new device's latency predicted from the
/// other columns and K measured cells).
const std::vector<OptionSpec>& Nb201EvaluatorOptions();
/// The `nasbench201` evaluator kind of a study config (options as Nb201EvaluatorOptions(), a
/// `kind` key skipped). ConfigError for an unknown or malformed option.
std::unique_ptr<search::Evaluator> MakeNb201Evaluator(const nlohmann::json& options);

}  // namespace symnas::tabular
