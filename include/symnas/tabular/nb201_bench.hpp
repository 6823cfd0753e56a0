// `symnas bench nasbench201`: runs symnas strategies and the Optuna peer on the NAS-Bench-201
// table with the same budgets, evaluation counts and seeds, and scores every run with the same
// code (nb201_truth.hpp): evaluations to reach the true constrained optimum, regret, and
// normalised hypervolume against the exact front.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "symnas/tabular/nb201_table.hpp"
#include "symnas/tabular/nb201_truth.hpp"

namespace symnas::tabular {

/// What to run.
struct Nb201BenchConfig {
  std::string data_path;  ///< nasbench201_hw.csv
  Nb201Dataset dataset = Nb201Dataset::kCifar10;
  std::vector<Nb201Device> devices;
  /// Latency budgets as quantiles of each device's latency distribution over all cells (so one
  /// setting means the same tightness on every device); ignored when budgets_ms is set.
  std::vector<double> budget_quantiles = {0.1, 0.3, 0.5};
  std::vector<double> budgets_ms;  ///< absolute budgets, applied to every device
  int constrained_evals = 200;
  int pareto_evals = 500;
  int seeds = 20;
  std::uint64_t first_seed = 0;
  std::vector<std::string> constrained_strategies = {"random", "evolution", "local_search"};
  std::vector<std::string> pareto_strategies = {"random", "nsga2"};
  /// Several devices at once (issue 18): each constrained setting bounds the latency on every
  /// device of `devices` together (budget i of each device), instead of one device at a time.
  bool joint_devices = false;
  bool run_constrained = true;
  bool run_pareto = true;
  bool optuna = true;          ///< run the peer (RunNb201Bench's runner) side by side
  int optuna_population = 50;  ///< NSGA-II population, the same on both sides
  /// JSON files written by optuna_nb201.py --out: their runs are scored instead of running the
  /// peer (each run must match a setting of this config: device, budget, evaluations).
  std::vector<std::string> peer_run_files;
};

/// One search run: the cells it evaluated, in order.
struct Nb201Run {
  std::string tool;      ///< symnas or optuna
  std::string strategy;  ///< random, evolution, bo, nsga2, tpe, ...
  std::string task;      ///< constrained or pareto
  Nb201Device device;
  double budget_ms = 0.0;  ///< constrained task only
  std::uint64_t seed = 0;
  std::vector<int> indices;
  double seconds = 0.0;  ///< wall time of the search itself (look-ups are free)
  /// Further latency budgets on other devices, all met at once with budget_ms on `device`
  /// (the joint multi-device task); empty for the one-device tasks.
  std::vector<Nb201DeviceBudget> other_budgets;
};

/// Every budget of a constrained run: {device, budget_ms} and then other_budgets.
std::vector<Nb201DeviceBudget> RunBudgets(const Nb201Run& run);
/// "raspi4" or, with other budgets, "raspi4+fpga".
std::string RunDevicesName(const Nb201Run& run);
/// other_budgets of a run as JSON ([{device, budget_ms}], the runs files' field) and back
/// (absent field: none; devices named as in `table`).
nlohmann::json OtherBudgetsToJson(const std::vector<Nb201DeviceBudget>& budgets);
std::vector<Nb201DeviceBudget> OtherBudgetsFromJson(const Nb201Table& table,
                                                    const nlohmann::json& run);

/// "NAME" or "NAME:key=value:key=value" -> the strategy name and its options (values parsed as
/// JSON scalars when they are one: true, 3, 0.5; otherwise strings). ConfigError when malformed.
std::pair<std::string, nlohmann::json> ParseStrategySpec(const std::string& spec);

/// bench/tabular/plot.py of this source tree.
std::string DefaultPlotScriptPath();

/// Quantile q in [0, 1] of `values` (linear interpolation between order statistics, numpy's
/// default); an infinite neighbour gives infinity (censored runs). NaN for no values.
double Quantile(std::vector<double> values, double q);

/// The latency budgets of one device under the config.
std::vector<double> BudgetsFor(const Nb201Table& table, const Nb201BenchConfig& config,
                               Nb201Device device);

/// Runs one symnas strategy for `evals` evaluations; task "constrained" maximises accuracy
/// subject to latency_ms <= budget_ms, task "pareto" maximises accuracy and minimises latency.
/// With `other_budgets` (constrained task) every budget is a constraint latency_ms@<device>.
Nb201Run RunSymnas(const Nb201Table& table, Nb201Dataset dataset, Nb201Device device,
                   const std::string& task, const std::string& strategy, double budget_ms,
                   int evals, std::uint64_t seed, int population,
                   const std::vector<Nb201DeviceBudget>& other_budgets = {});

/// One setting of the bench: a task on a device, with its budget(s).
struct Nb201Setting {
  std::string task;  ///< constrained or pareto
  Nb201Device device;
  double budget_ms = 0.0;  ///< constrained task only
  std::vector<Nb201DeviceBudget> other_budgets;
};

/// Runs the peer tool for every seed of one setting (bench/tabular/optuna_peer.hpp starts
/// Optuna); the tabular layer itself starts no process.
using Nb201PeerRunner =
    std::function<std::vector<Nb201Run>(const Nb201BenchConfig&, const Nb201Setting&)>;

/// The runs of a file written by optuna_nb201.py --out, their devices those of `table`;
/// ConfigError if it cannot be read or is malformed, UnknownNameError for a device the table
/// does not have.
std::vector<Nb201Run> LoadPeerRuns(const Nb201Table& table, const std::string& path);

/// Every run of the config: symnas's, and the peer's, from `peer` (run on a second thread,
/// when config.optuna and the runner is set) or from config.peer_run_files (ConfigError for a
/// run that matches no setting); prints progress.
std::vector<Nb201Run> RunNb201Bench(const Nb201Table& table, const Nb201BenchConfig& config,
                                    const Nb201PeerRunner& peer = {});

/// Scores the runs: per task, device, budget and strategy, the median and quartiles of
/// evaluations to the true optimum, of final regret, and of normalised hypervolume at
/// checkpoints, plus per-evaluation median curves for plots.
nlohmann::json SummariseNb201Runs(const Nb201Table& table, const Nb201BenchConfig& config,
                                  const std::vector<Nb201Run>& runs);

/// Markdown tables of a summary (what the README shows).
std::string Nb201SummaryMarkdown(const nlohmann::json& summary);

}  // namespace symnas::tabular
