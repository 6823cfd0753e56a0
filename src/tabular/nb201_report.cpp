// Scoring of NAS-Bench-201 runs into summary statistics and Markdown tables.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "symnas/tabular/nb201_bench.hpp"
#include "symnas/tabular/nb201_truth.hpp"

namespace symnas::tabular {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

nlohmann::json OrNull(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json Quartiles(const std::vector<double>& values) {
  return {{"q1", OrNull(Quantile(values, 0.25))},
          {"median", OrNull(Quantile(values, 0.5))},
          {"q3", OrNull(Quantile(values, 0.75))}};
}

/// Per-evaluation median and quartiles over runs (curves of equal length).
nlohmann::json CurveQuartiles(const std::vector<std::vector<double>>& curves) {
  nlohmann::json out = {{"median", nlohmann::json::array()},
                        {"q1", nlohmann::json::array()},
                        {"q3", nlohmann::json::array()}};
  std::size_t length = curves.empty() ? 0 : curves.front().size();
  for (std::size_t e = 0; e < length; ++e) {
    std::vector<double> column;
    for (const auto& c : curves) column.push_back(e < c.size() ? c[e] : c.back());
    out["median"].push_back(Quantile(column, 0.5));
    out["q1"].push_back(Quantile(column, 0.25));
    out["q3"].push_back(Quantile(column, 0.75));
  }
  return out;
}

struct Group {
  std::string task, key;
  Nb201Device device;
  double budget_ms;
  std::vector<const Nb201Run*> runs;
  /// Every budget of the group's runs (one device, or several at once).
  std::vector<Nb201DeviceBudget> Budgets() const { return RunBudgets(*runs.front()); }
};

bool SameBudgets(const Nb201Run& a, const Nb201Run& b) {
  const auto x = RunBudgets(a), y = RunBudgets(b);
  return std::equal(x.begin(), x.end(), y.begin(), y.end(), [](const auto& p, const auto& q) {
    return p.device == q.device && p.budget_ms == q.budget_ms;
  });
}

std::vector<Group> GroupRuns(const std::vector<Nb201Run>& runs) {
  std::vector<Group> groups;
  for (const auto& run : runs) {
    std::string key = run.tool + ":" + run.strategy;
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
      return g.task == run.task && g.key == key && SameBudgets(*g.runs.front(), run);
    });
    if (it == groups.end()) {
      groups.push_back({run.task, key, run.device, run.budget_ms, {}});
      it = groups.end() - 1;
    }
    it->runs.push_back(&run);
  }
  return groups;
}

nlohmann::json SummariseConstrained(const Nb201Table& table, Nb201Dataset dataset, const Group& g) {
  const std::vector<Nb201DeviceBudget> budgets = g.Budgets();
  auto optimum = TrueConstrainedOptimum(table, dataset, budgets);
  nlohmann::json out = {{"task", g.task},
                        {"strategy", g.key},
                        {"device", RunDevicesName(*g.runs.front())},
                        {"budget_ms", g.budget_ms},
                        {"runs", g.runs.size()}};
  if (budgets.size() > 1) {
    out["budgets_ms"] = nlohmann::json::array();
    for (const auto& b : budgets) out["budgets_ms"].push_back(b.budget_ms);
  }
  if (!optimum) {
    out["optimum"] = nullptr;
    return out;
  }
  out["optimum"] = {{"index", optimum->index},
                    {"accuracy", optimum->accuracy},
                    {"latency_ms", optimum->latency_ms}};
  std::vector<double> to_optimum, final_regret, final_best;
  std::vector<std::vector<double>> best_curves;
  int reached = 0;
  for (const Nb201Run* run : g.runs) {
    auto curve = ScoreConstrainedRun(table, dataset, budgets, *optimum, run->indices);
    to_optimum.push_back(curve.evals_to_optimum ? *curve.evals_to_optimum : kInf);
    reached += curve.evals_to_optimum.has_value();
    final_regret.push_back(curve.regret.back());
    final_best.push_back(curve.best_feasible_accuracy.back());
    best_curves.push_back(curve.best_feasible_accuracy);
  }
  out["evals"] = g.runs.front()->indices.size();
  out["evals_to_optimum"] = Quartiles(to_optimum);
  out["reached_optimum"] = reached;
  out["final_regret"] = Quartiles(final_regret);
  out["final_best_accuracy"] = Quartiles(final_best);
  out["best_feasible_curve"] = CurveQuartiles(best_curves);
  return out;
}

nlohmann::json SummarisePareto(const Nb201Table& table, Nb201Dataset dataset, const Group& g) {
  nlohmann::json out = {{"task", g.task},
                        {"strategy", g.key},
                        {"device", Nb201DeviceName(g.device)},
                        {"runs", g.runs.size()}};
  std::vector<std::vector<double>> curves;
  for (const Nb201Run* run : g.runs) {
    curves.push_back(NormalisedHypervolumeCurve(table, dataset, g.device, run->indices));
  }
  out["evals"] = g.runs.front()->indices.size();
  out["hv_curve"] = CurveQuartiles(curves);
  nlohmann::json checkpoints = nlohmann::json::object();
  for (std::size_t e : {50, 100, 200, 500, 1000}) {
    if (e > curves.front().size()) continue;
    std::vector<double> column;
    for (const auto& c : curves) column.push_back(c[e - 1]);
    checkpoints[std::to_string(e)] = Quartiles(column);
  }
  out["hv_at"] = checkpoints;
  return out;
}

std::string Cell(const nlohmann::json& q, const char* fmt_one, int evals) {
  auto text = [&](const nlohmann::json& v) {
    return v.is_null() ? fmt::format(">{}", evals)
                       : fmt::format(fmt::runtime(fmt_one), v.get<double>());
  };
  return fmt::format("{} [{}, {}]", text(q["median"]), text(q["q1"]), text(q["q3"]));
}

}  // namespace

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  double pos = q * static_cast<double>(values.size() - 1);
  auto lo = static_cast<std::size_t>(std::floor(pos));
  std::size_t hi = std::min(lo + 1, values.size() - 1);
  if (std::isinf(values[lo]) || std::isinf(values[hi])) return values[hi];
  return values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

nlohmann::json SummariseNb201Runs(const Nb201Table& table, const Nb201BenchConfig& config,
                                  const std::vector<Nb201Run>& runs) {
  nlohmann::json summary = {{"dataset", Nb201DatasetName(config.dataset)},
                            {"seeds", config.seeds},
                            {"constrained", nlohmann::json::array()},
                            {"pareto", nlohmann::json::array()}};
  for (const auto& g : GroupRuns(runs)) {
    if (g.task == "constrained") {
      summary["constrained"].push_back(SummariseConstrained(table, config.dataset, g));
    } else {
      summary["pareto"].push_back(SummarisePareto(table, config.dataset, g));
    }
  }
  return summary;
}

std::string Nb201SummaryMarkdown(const nlohmann::json& summary) {
  std::string md = fmt::format(
      "### Constrained task ({}, {} seeds): evaluations to reach the true optimum under the "
      "latency budget, median [q1, q3]; '>N' = not reached within N\n\n"
      "| device | budget ms | optimum % | strategy | evals to optimum | reached | final regret "
      "(pp) |\n|---|---|---|---|---|---|---|\n",
      summary["dataset"].get<std::string>(), summary["seeds"].get<int>());
  for (const auto& g : summary["constrained"]) {
    if (g["optimum"].is_null()) continue;
    int evals = g["evals"].get<int>();
    // Several devices at once: the budgets in device order, "20 / 3".
    std::string budget = fmt::format("{:.4g}", g["budget_ms"].get<double>());
    if (g.contains("budgets_ms")) {
      budget.clear();
      for (const auto& b : g["budgets_ms"]) {
        budget += fmt::format("{}{:.4g}", budget.empty() ? "" : " / ", b.get<double>());
      }
    }
    md += fmt::format("| {} | {} | {:.2f} | {} | {} | {}/{} | {} |\n",
                      g["device"].get<std::string>(), budget,
                      g["optimum"]["accuracy"].get<double>(), g["strategy"].get<std::string>(),
                      Cell(g["evals_to_optimum"], "{:.0f}", evals), g["reached_optimum"].get<int>(),
                      g["runs"].get<int>(), Cell(g["final_regret"], "{:.2f}", evals));
  }
  md +=
      "\n### Pareto task: hypervolume of the found front / true front, median [q1, q3]\n\n"
      "| device | strategy | HV@100 | HV@200 | HV@500 |\n|---|---|---|---|---|\n";
  for (const auto& g : summary["pareto"]) {
    auto at = [&](const char* e) {
      return g["hv_at"].contains(e) ? Cell(g["hv_at"][e], "{:.3f}", 0) : std::string("-");
    };
    md += fmt::format("| {} | {} | {} | {} | {} |\n", g["device"].get<std::string>(),
                      g["strategy"].get<std::string>(), at("100"), at("200"), at("500"));
  }
  return md;
}

}  // namespace symnas::tabular
