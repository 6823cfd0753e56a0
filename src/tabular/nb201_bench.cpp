// Runs and scores the NAS-Bench-201 comparison (symnas strategies vs the Optuna peer).
#include "symnas/tabular/nb201_bench.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "symnas/common/error.hpp"
#include "symnas/search/driver.hpp"
#include "symnas/search/objective.hpp"
#include "symnas/search/strategy.hpp"
#include "symnas/strategies/table.hpp"
#include "symnas/tabular/nb201_search.hpp"
#include "symnas/tabular/nb201_truth.hpp"

namespace symnas::tabular {
namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Metric -> budget of a constrained run: latency_ms, or with budgets on other devices
/// latency_ms@<device> for each device.
std::map<std::string, double> LatencyBudgets(const Nb201Run& run) {
  if (run.other_budgets.empty()) return {{"latency_ms", run.budget_ms}};
  std::map<std::string, double> budgets;
  for (const auto& b : RunBudgets(run)) budgets[DeviceLatencyMetric(b.device)] = b.budget_ms;
  return budgets;
}

nlohmann::json ObjectiveConfig(const std::string& task,
                               const std::map<std::string, double>& budgets) {
  if (task == "constrained") {
    nlohmann::json constraints = nlohmann::json::array();
    for (const auto& [metric, budget] : budgets) {
      constraints.push_back({{"metric", metric}, {"budget", budget}});
    }
    return {{"kind", "constrained"}, {"constraints", constraints}};
  }
  return {{"kind", "pareto"},
          {"metrics",
           {{{"name", "accuracy"}, {"goal", "max"}}, {{"name", "latency_ms"}, {"goal", "min"}}}}};
}

}  // namespace

std::vector<Nb201DeviceBudget> RunBudgets(const Nb201Run& run) {
  std::vector<Nb201DeviceBudget> budgets = {{run.device, run.budget_ms}};
  budgets.insert(budgets.end(), run.other_budgets.begin(), run.other_budgets.end());
  return budgets;
}

std::string RunDevicesName(const Nb201Run& run) {
  std::string name = Nb201DeviceName(run.device);
  for (const auto& b : run.other_budgets) name += std::string("+") + Nb201DeviceName(b.device);
  return name;
}

std::pair<std::string, nlohmann::json> ParseStrategySpec(const std::string& spec) {
  const auto colon = spec.find(':');
  nlohmann::json options = nlohmann::json::object();
  if (colon == std::string::npos) return {spec, options};
  std::string rest = spec.substr(colon + 1);
  std::size_t start = 0;
  while (start <= rest.size()) {
    const std::size_t comma = std::min(rest.find(':', start), rest.size());
    const std::string item = rest.substr(start, comma - start);
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw ConfigError("strategy '" + spec + "': options must read NAME:key=value:key=value");
    }
    const std::string key = item.substr(0, eq), text = item.substr(eq + 1);
    nlohmann::json value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded() || value.is_object() || value.is_array()) value = text;
    options[key] = value;
    start = comma + 1;
  }
  return {spec.substr(0, colon), options};
}

std::string DefaultPlotScriptPath() {
  return std::string(SYMNAS_SOURCE_DIR) + "/bench/tabular/plot.py";
}

std::vector<double> BudgetsFor(const Nb201Table& table, const Nb201BenchConfig& config,
                               Nb201Device device) {
  if (!config.budgets_ms.empty()) return config.budgets_ms;
  std::vector<double> latencies;
  for (const auto& entry : table.entries())
    latencies.push_back(table.LatencyMs(entry.index, device));
  std::vector<double> budgets;
  for (double q : config.budget_quantiles) {
    if (q <= 0.0 || q >= 1.0) {
      throw ConfigError(fmt::format("budget quantile {} must lie in (0, 1)", q));
    }
    // Rounded to 4 significant digits so the budget reads well and is the same on both sides.
    double b = Quantile(latencies, q);
    budgets.push_back(std::stod(fmt::format("{:.4g}", b)));
  }
  return budgets;
}

Nb201Run RunSymnas(const Nb201Table& table, Nb201Dataset dataset, Nb201Device device,
                   const std::string& task, const std::string& strategy, double budget_ms,
                   int evals, std::uint64_t seed, int population,
                   const std::vector<Nb201DeviceBudget>& other_budgets) {
  auto start = std::chrono::steady_clock::now();
  Nb201Evaluator evaluator(table, dataset, device);
  Nb201Run run{"symnas", strategy, task, device, budget_ms, seed, {}, 0.0, other_budgets};
  const std::map<std::string, double> budgets = LatencyBudgets(run);
  auto objective = search::MakeObjective(ObjectiveConfig(task, budgets));
  // A strategy may carry options: NAME:key=value:key=value (the whole text labels the run;
  // `--strategies` splits its list at commas).
  const auto [strategy_name, strategy_options] = ParseStrategySpec(strategy);
  search::StrategyContext context;
  context.space = Nb201Space();
  context.seed = seed;
  if (strategy_name == "nsga2" || strategy_name == "evolution") {
    context.options = {{"population", strategy_name == "nsga2" ? population : 20}};
  }
  // What the study driver gives every strategy: the study's budgets, typed (the symbolic tuners
  // state budget facts), and a check of a candidate's constraint metric before it is evaluated
  // (the table's latency column), so over-budget candidates can be recognised without spending
  // an evaluation (local_search and morphism use it).
  const search::StrategyEntry& entry = strategies::FindStrategy(strategy_name);
  if (task == "constrained") {
    context.budgets = objective->Constraints();
    context.budget_check = search::MakeBudgetCheck(evaluator, context.budgets);
  }
  // Costs known before training (the table's latency) for strategies that read them (pareto_rank).
  context.estimate_costs = [&evaluator](const search::Params& p) {
    return evaluator.EstimateCosts(p);
  };
  context.objective_names = objective->VectorNames();
  for (const auto& [key, value] : strategy_options.items()) context.options[key] = value;
  // The study driver runs the study, as for `symnas search`, in memory and without strategy
  // snapshots (nothing resumes a bench run): every ask is evaluated and counted (no NB201
  // strategy screens candidates), silently.
  search::DriverOptions options;
  options.trials = evals;
  options.seed = seed;
  options.strategy_name = strategy;
  options.print_best = false;
  search::MemoryRecorder recorder(/*keep_strategy_state=*/false);
  const auto factory = [&](const search::SearchSpace& space) {
    search::StrategyContext edited = context;
    edited.space = space;
    return search::MakeStrategyFrom(entry, edited);
  };
  search::Driver driver(context.space, factory, evaluator, *objective, recorder, options);
  for (const auto& trial : driver.Run().trials) {
    if (trial.status != search::TrialStatus::kComplete) {
      throw std::logic_error("NAS-Bench-201 bench: trial " + std::to_string(trial.id) + " " +
                             search::TrialStatusName(trial.status) + ": " + trial.result.error);
    }
    run.indices.push_back(trial.result.details.at("index").get<int>());
  }
  run.seconds = Seconds(start);
  return run;
}

std::vector<Nb201DeviceBudget> OtherBudgetsFromJson(const Nb201Table& table,
                                                    const nlohmann::json& run) {
  std::vector<Nb201DeviceBudget> budgets;
  if (!run.contains("other_budgets")) return budgets;
  for (const auto& b : run.at("other_budgets")) {
    budgets.push_back(
        {table.Device(b.at("device").get<std::string>()), b.at("budget_ms").get<double>()});
  }
  return budgets;
}

nlohmann::json OtherBudgetsToJson(const std::vector<Nb201DeviceBudget>& budgets) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : budgets) {
    out.push_back({{"device", Nb201DeviceName(b.device)}, {"budget_ms", b.budget_ms}});
  }
  return out;
}

std::vector<Nb201Run> LoadPeerRuns(const Nb201Table& table, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read the peer runs file '" + path + "'");
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.contains("runs") || !doc["runs"].is_array()) {
    throw ConfigError("'" + path + "' is not the JSON optuna_nb201.py --out writes (no \"runs\")");
  }
  std::vector<Nb201Run> runs;
  try {
    for (const auto& r : doc["runs"]) {
      runs.push_back({r.at("tool").get<std::string>(), r.at("strategy").get<std::string>(),
                      r.at("task").get<std::string>(),
                      table.Device(r.at("device").get<std::string>()),
                      r.at("budget_ms").get<double>(), r.at("seed").get<std::uint64_t>(),
                      r.at("indices").get<std::vector<int>>(), r.at("seconds").get<double>(),
                      OtherBudgetsFromJson(table, r)});
    }
  } catch (const nlohmann::json::exception& error) {
    throw ConfigError("malformed run in '" + path + "': " + error.what());
  }
  return runs;
}

namespace {

/// Peer runs from files must belong to a setting of this config, with its evaluation count.
void CheckPeerRuns(const std::vector<Nb201Run>& runs, const Nb201Table& table,
                   const Nb201BenchConfig& config) {
  for (const auto& run : runs) {
    const bool constrained = run.task == "constrained";
    const int evals = constrained ? config.constrained_evals : config.pareto_evals;
    bool known =
        std::find(config.devices.begin(), config.devices.end(), run.device) != config.devices.end();
    if (constrained) {
      const auto budgets = BudgetsFor(table, config, run.device);
      known = known && std::find(budgets.begin(), budgets.end(), run.budget_ms) != budgets.end();
      known = known && run.other_budgets.empty() != config.joint_devices;
    }
    if (!known || static_cast<int>(run.indices.size()) != evals ||
        (constrained ? !config.run_constrained : !config.run_pareto)) {
      throw ConfigError(fmt::format(
          "peer run {} {} {} budget {} seed {} ({} evaluations) is not a setting of this bench "
          "(evaluations {}); run the peer with the same --device, --budget-ms and --evals",
          run.tool, run.strategy, Nb201DeviceName(run.device), run.budget_ms, run.seed,
          run.indices.size(), evals));
    }
  }
}

}  // namespace

std::vector<Nb201Run> RunNb201Bench(const Nb201Table& table, const Nb201BenchConfig& config,
                                    const Nb201PeerRunner& peer) {
  std::vector<Nb201Run> runs;
  std::vector<Nb201Setting> settings;
  if (config.joint_devices && config.run_constrained && !config.devices.empty()) {
    // Budget i of every device at once (the same quantile on each).
    const Nb201Device first = config.devices.front();
    const std::vector<double> first_budgets = BudgetsFor(table, config, first);
    for (std::size_t i = 0; i < first_budgets.size(); ++i) {
      Nb201Setting joint{"constrained", first, first_budgets[i], {}};
      for (std::size_t d = 1; d < config.devices.size(); ++d) {
        joint.other_budgets.push_back(
            {config.devices[d], BudgetsFor(table, config, config.devices[d])[i]});
      }
      settings.push_back(joint);
    }
  }
  for (Nb201Device device : config.devices) {
    if (config.run_constrained && !config.joint_devices) {
      for (double b : BudgetsFor(table, config, device))
        settings.push_back({"constrained", device, b, {}});
    }
    if (config.run_pareto) settings.push_back({"pareto", device, 0.0, {}});
  }
  // The peer runs (in child processes, on the second core) while symnas runs here.
  std::vector<Nb201Run> saved_peer_runs;
  for (const auto& path : config.peer_run_files) {
    auto loaded = LoadPeerRuns(table, path);
    saved_peer_runs.insert(saved_peer_runs.end(), loaded.begin(), loaded.end());
  }
  CheckPeerRuns(saved_peer_runs, table, config);
  runs.insert(runs.end(), saved_peer_runs.begin(), saved_peer_runs.end());
  auto peer_thread = std::async(std::launch::async, [&] {
    std::vector<Nb201Run> out;
    for (const auto& s : settings) {
      if (!config.optuna || !peer || !config.peer_run_files.empty()) break;
      auto r = peer(config, s);
      out.insert(out.end(), r.begin(), r.end());
    }
    return out;
  });
  for (const auto& s : settings) {
    const auto& strategies =
        s.task == "constrained" ? config.constrained_strategies : config.pareto_strategies;
    int evals = s.task == "constrained" ? config.constrained_evals : config.pareto_evals;
    for (const auto& strategy : strategies) {
      auto start = std::chrono::steady_clock::now();
      for (int k = 0; k < config.seeds; ++k) {
        runs.push_back(RunSymnas(table, config.dataset, s.device, s.task, strategy, s.budget_ms,
                                 evals, config.first_seed + k, config.optuna_population,
                                 s.other_budgets));
      }
      const Nb201Run label{"", "", "", s.device, s.budget_ms, 0, {}, 0.0, s.other_budgets};
      fmt::print(stderr,
                 "  {:<11} {:<9} budget {:>8.4g} ms  {:<10} {} seeds x {} evals: {:.1f} s\n",
                 s.task, RunDevicesName(label), s.budget_ms, strategy, config.seeds, evals,
                 Seconds(start));
    }
  }
  auto peer_runs = peer_thread.get();
  runs.insert(runs.end(), peer_runs.begin(), peer_runs.end());
  return runs;
}

}  // namespace symnas::tabular
