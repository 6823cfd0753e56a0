// Fact extraction: takes a trial's learning curves, hardware metrics and the study's budgets and
// produces the ProbLog facts the diagnosis rules (rules/diagnosis.pl) reason over.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "symnas/search/types.hpp"

namespace symnas::tuner {

/// Weight of the previous smoothed value in the exponential moving average (the original's 0.6).
inline constexpr double kEmaWeight = 0.6;
/// Starting thresholds of low_acc and high_loss (the original's).
inline constexpr double kInitialLowAcc = 0.15;
inline constexpr double kInitialHighLoss = 1.2;

/// The thresholds of low_acc (lacc) and high_loss (hloss) at one iteration.
struct Thresholds {
  double lacc = kInitialLowAcc;
  double hloss = kInitialHighLoss;
};

/// Thresholds at 1-based iteration `iteration` (the iteration-th trial told to the tuner): the
/// original relaxes lacc = lacc/2 + 0.05 and hloss = hloss/2 + 0.15 at iterations 7, 10 and 13.
Thresholds ThresholdsAtIteration(int iteration);

/// Exponential moving average: s_0 = x_0, s_t = w * s_{t-1} + (1 - w) * x_t.
std::vector<double> Ema(const std::vector<double>& values, double weight = kEmaWeight);
/// Trapezoid integral of `values` sampled at unit spacing (0 for fewer than two values).
double TrapezoidIntegral(const std::vector<double>& values);
/// Integral of the straight line from the first to the last value over the same abscissae.
double SlopeIntegral(const std::vector<double>& values);

/// Everything the diagnosis rules see about one trial.
struct TrialFacts {
  search::LearningCurves raw;       ///< l, a, vl, va
  search::LearningCurves smoothed;  ///< sl, sa, svl, sva (EMA of raw)
  double int_loss = 0.0;            ///< trapezoid integral of the validation loss
  double int_slope = 0.0;           ///< integral of the first-to-last line of the validation loss
  Thresholds thresholds;
  std::map<std::string, double> metrics;  ///< hardware metrics of the trial (flops, params, ...)
  std::map<std::string, double> budgets;  ///< budgets the study sets, by metric name
  /// Study context of the default profile (not emitted when unset):
  std::optional<double> incumbent_val_acc;    ///< incumbent(VA, A): best feasible trained trial
  std::optional<double> incumbent_train_acc;  ///< its final training accuracy
  int max_epochs = 0;                         ///< max_epochs(N) when > 0
  bool rejected = false;                      ///< `rejected.`: never trained (costs only)
  /// quant_drop(D): validation accuracy lost by the trial's int8 model (fp32 minus int8, a
  /// fraction), when the evaluator measured it (search::kQuantDropMetric).
  std::optional<double> quant_drop;
  std::optional<double> quant_drop_budget;  ///< quant_drop_th(B): the study's budget on it
};

/// Metric names that are never hardware metrics: accuracy, test_accuracy and the int8 ones
/// (int8_accuracy, quant_drop). They carry no metric/budget fact; quant_drop has its own.
bool IsQualityMetric(const std::string& name);

/// Extracts the facts of one evaluated trial. Non-finite curve values (a diverged run) are
/// replaced by 1e6 (losses) or 0 (accuracies) so that the rules still see a bad curve.
/// Budgets on quality metrics (accuracy, test_accuracy) are ignored.
TrialFacts ExtractFacts(const search::EvalResult& result,
                        const std::map<std::string, double>& budgets, int iteration);

/// ProbLog text of the facts, one per line: l([...]). ... metric(flops, 1.2e7). budget(...).
/// plus flops/flops_th/nparams/nparams_th for the original's rules and quant_drop/quant_drop_th
/// when set. Empty curves are omitted.
std::string FactsToProlog(const TrialFacts& facts);

/// A float in ProbLog syntax: always with a decimal point ("2.0", "1.5e-07" -> "1.5e-07").
std::string PrologFloat(double value);
/// An atom in ProbLog syntax: bare when it is a plain lower-case identifier, quoted otherwise.
std::string PrologAtom(const std::string& name);

/// A metric of one device, `M@D` (e.g. latency_ms@raspi4): the metric M and the device D.
struct DeviceMetric {
  std::string metric;
  std::string device;
};
/// "latency_ms@raspi4" -> {latency_ms, raspi4}; nullopt for a name without one '@' between two
/// non-empty parts.
std::optional<DeviceMetric> SplitDeviceMetric(const std::string& name);
/// `device_metric('M@D', M, D).` for every name of `names` that is a device metric (the rules
/// name the device of an exceeded budget with it), one line each.
std::string DeviceMetricFacts(const std::set<std::string>& names);

}  // namespace symnas::tuner
