// Exact optima and fronts of the NAS-Bench-201 table, and scoring of runs against them.
#include "symnas/tabular/nb201_truth.hpp"

#include <algorithm>
#include <limits>

namespace symnas::tabular {
namespace {

AccLatPoint PointOf(const Nb201Table& table, int index, Nb201Dataset dataset, Nb201Device device) {
  return {table.AccuracyPercent(index, dataset), table.LatencyMs(index, device), index};
}

}  // namespace

std::optional<ConstrainedOptimum> TrueConstrainedOptimum(const Nb201Table& table,
                                                         Nb201Dataset dataset, Nb201Device device,
                                                         double budget_ms) {
  return TrueConstrainedOptimum(table, dataset, {{device, budget_ms}});
}

bool MeetsBudgets(const Nb201Table& table, int index,
                  const std::vector<Nb201DeviceBudget>& budgets) {
  return std::all_of(budgets.begin(), budgets.end(), [&](const Nb201DeviceBudget& b) {
    return table.LatencyMs(index, b.device) <= b.budget_ms;
  });
}

std::optional<ConstrainedOptimum> TrueConstrainedOptimum(
    const Nb201Table& table, Nb201Dataset dataset, const std::vector<Nb201DeviceBudget>& budgets) {
  const Nb201Device first = budgets.empty() ? table.devices().front() : budgets.front().device;
  std::optional<ConstrainedOptimum> best;
  for (const auto& entry : table.entries()) {
    if (!MeetsBudgets(table, entry.index, budgets)) continue;
    AccLatPoint p = PointOf(table, entry.index, dataset, first);
    bool better = !best || p.accuracy > best->accuracy ||
                  (p.accuracy == best->accuracy && p.latency_ms < best->latency_ms);
    if (better) best = ConstrainedOptimum{p.index, p.accuracy, p.latency_ms};
  }
  return best;
}

std::vector<AccLatPoint> ParetoFront2D(std::vector<AccLatPoint> points) {
  // Sweep by latency ascending (accuracy descending on ties): a point is on the front iff its
  // accuracy beats every accuracy seen at lower or equal latency.
  std::sort(points.begin(), points.end(), [](const AccLatPoint& a, const AccLatPoint& b) {
    if (a.latency_ms != b.latency_ms) return a.latency_ms < b.latency_ms;
    if (a.accuracy != b.accuracy) return a.accuracy > b.accuracy;
    return a.index < b.index;
  });
  std::vector<AccLatPoint> front;
  double best_accuracy = -std::numeric_limits<double>::infinity();
  for (const auto& p : points) {
    if (p.accuracy > best_accuracy) {
      front.push_back(p);
      best_accuracy = p.accuracy;
    }
  }
  return front;
}

std::vector<AccLatPoint> TrueParetoFront(const Nb201Table& table, Nb201Dataset dataset,
                                         Nb201Device device) {
  std::vector<AccLatPoint> all;
  all.reserve(table.size());
  for (const auto& entry : table.entries()) {
    all.push_back(PointOf(table, entry.index, dataset, device));
  }
  return ParetoFront2D(std::move(all));
}

AccLatPoint Nb201HvReference(const Nb201Table& table, Nb201Dataset dataset, Nb201Device device) {
  AccLatPoint ref{std::numeric_limits<double>::infinity(), 0.0, -1};
  for (const auto& entry : table.entries()) {
    ref.accuracy = std::min(ref.accuracy, table.AccuracyPercent(entry.index, dataset));
    ref.latency_ms = std::max(ref.latency_ms, table.LatencyMs(entry.index, device));
  }
  return ref;
}

double Hypervolume2D(const std::vector<AccLatPoint>& points, const AccLatPoint& reference) {
  std::vector<AccLatPoint> inside;
  for (const auto& p : points) {
    if (p.accuracy > reference.accuracy && p.latency_ms < reference.latency_ms) {
      inside.push_back(p);
    }
  }
  // Front sorted by latency ascending has accuracy ascending: each point adds the strip
  // between its latency and the next point's latency, of height (its accuracy - reference).
  std::vector<AccLatPoint> front = ParetoFront2D(std::move(inside));
  double volume = 0.0;
  for (std::size_t i = 0; i < front.size(); ++i) {
    double next_latency = i + 1 < front.size() ? front[i + 1].latency_ms : reference.latency_ms;
    volume += (next_latency - front[i].latency_ms) * (front[i].accuracy - reference.accuracy);
  }
  return volume;
}

ConstrainedCurve ScoreConstrainedRun(const Nb201Table& table, Nb201Dataset dataset,
                                     Nb201Device device, double budget_ms,
                                     const ConstrainedOptimum& optimum,
                                     const std::vector<int>& indices) {
  return ScoreConstrainedRun(table, dataset, {{device, budget_ms}}, optimum, indices);
}

ConstrainedCurve ScoreConstrainedRun(const Nb201Table& table, Nb201Dataset dataset,
                                     const std::vector<Nb201DeviceBudget>& budgets,
                                     const ConstrainedOptimum& optimum,
                                     const std::vector<int>& indices) {
  ConstrainedCurve curve;
  double best = 0.0;
  for (std::size_t e = 0; e < indices.size(); ++e) {
    if (MeetsBudgets(table, indices[e], budgets)) {
      best = std::max(best, table.AccuracyPercent(indices[e], dataset));
    }
    curve.best_feasible_accuracy.push_back(best);
    curve.regret.push_back(optimum.accuracy - best);
    if (!curve.evals_to_optimum && best >= optimum.accuracy) {
      curve.evals_to_optimum = static_cast<int>(e) + 1;
    }
  }
  return curve;
}

std::vector<double> NormalisedHypervolumeCurve(const Nb201Table& table, Nb201Dataset dataset,
                                               Nb201Device device,
                                               const std::vector<int>& indices) {
  AccLatPoint ref = Nb201HvReference(table, dataset, device);
  double true_volume = Hypervolume2D(TrueParetoFront(table, dataset, device), ref);
  std::vector<double> curve;
  std::vector<AccLatPoint> front;
  for (int index : indices) {
    front.push_back(PointOf(table, index, dataset, device));
    front = ParetoFront2D(std::move(front));
    curve.push_back(true_volume > 0 ? Hypervolume2D(front, ref) / true_volume : 0.0);
  }
  return curve;
}

}  // namespace symnas::tabular
