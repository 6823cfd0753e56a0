// Ground truth of the NAS-Bench-201 tasks, computed exactly from the full table, and the scoring
// of one search run (its sequence of evaluated cells) against it: best feasible accuracy and
// regret for the constrained task, normalised hypervolume for the Pareto task.
#pragma once

#include <optional>
#include <vector>

#include "symnas/tabular/nb201_table.hpp"

namespace symnas::tabular {

/// One cell in objective space: accuracy (percent, maximised) and latency (ms, minimised).
struct AccLatPoint {
  double accuracy = 0.0;
  double latency_ms = 0.0;
  int index = -1;  ///< NAS-Bench-201 index
};

/// The best cell under a latency budget.
struct ConstrainedOptimum {
  int index = -1;
  double accuracy = 0.0;
  double latency_ms = 0.0;
};

/// Highest accuracy among cells with latency <= budget_ms (ties: lower latency, then lower
/// index); nullopt when no cell meets the budget. Exact: scans all 15,625 cells.
std::optional<ConstrainedOptimum> TrueConstrainedOptimum(const Nb201Table& table,
                                                         Nb201Dataset dataset, Nb201Device device,
                                                         double budget_ms);

/// A latency budget on one device (one constraint of a multi-device task).
struct Nb201DeviceBudget {
  Nb201Device device;
  double budget_ms = 0.0;
};

/// True when the cell meets every budget (an empty list: always).
bool MeetsBudgets(const Nb201Table& table, int index,
                  const std::vector<Nb201DeviceBudget>& budgets);

/// Highest accuracy among cells within every budget of `budgets` (several devices at once);
/// ties: lower latency on the first budget's device, then lower index. latency_ms of the result
/// is on that device. nullopt when no cell meets them all. Exact: scans all 15,625 cells.
std::optional<ConstrainedOptimum> TrueConstrainedOptimum(
    const Nb201Table& table, Nb201Dataset dataset, const std::vector<Nb201DeviceBudget>& budgets);

/// The non-dominated subset of `points` (no other point has accuracy >= and latency <= with one
/// strict), sorted by latency ascending; of points equal in both objectives one is kept.
std::vector<AccLatPoint> ParetoFront2D(std::vector<AccLatPoint> points);

/// The exact Pareto front of the whole table for one dataset and device.
std::vector<AccLatPoint> TrueParetoFront(const Nb201Table& table, Nb201Dataset dataset,
                                         Nb201Device device);

/// The hypervolume reference point: the worst accuracy and the worst latency over the whole
/// table for that dataset and device, so every cell lies inside the reference box.
AccLatPoint Nb201HvReference(const Nb201Table& table, Nb201Dataset dataset, Nb201Device device);

/// Area (percent x ms) dominated by `points` and bounded by `reference`; points outside the
/// reference box contribute only their part inside it.
double Hypervolume2D(const std::vector<AccLatPoint>& points, const AccLatPoint& reference);

/// Progress of one constrained run, one entry per evaluation (1-based evaluation e at [e-1]).
struct ConstrainedCurve {
  std::vector<double> best_feasible_accuracy;  ///< 0 before the first feasible cell
  std::vector<double> regret;                  ///< optimum accuracy - best feasible accuracy
  std::optional<int> evals_to_optimum;         ///< first evaluation that found the optimum
};

/// Scores a run that evaluated `indices` in this order.
ConstrainedCurve ScoreConstrainedRun(const Nb201Table& table, Nb201Dataset dataset,
                                     Nb201Device device, double budget_ms,
                                     const ConstrainedOptimum& optimum,
                                     const std::vector<int>& indices);
/// The same under several budgets: a cell is feasible when it meets every one.
ConstrainedCurve ScoreConstrainedRun(const Nb201Table& table, Nb201Dataset dataset,
                                     const std::vector<Nb201DeviceBudget>& budgets,
                                     const ConstrainedOptimum& optimum,
                                     const std::vector<int>& indices);

/// Hypervolume of the front found after each evaluation, divided by the true front's.
std::vector<double> NormalisedHypervolumeCurve(const Nb201Table& table, Nb201Dataset dataset,
                                               Nb201Device device, const std::vector<int>& indices);

}  // namespace symnas::tabular
