// `symnas bench nasbench201`: the tabular comparison of symnas strategies with the Optuna peer
// on NAS-Bench-201 with measured device latencies (see include/symnas/tabular/nb201_bench.hpp).
#include <fmt/core.h>

#include <filesystem>
#include <fstream>

#include "commands.hpp"
#include "optuna_peer.hpp"
#include "symnas/common/error.hpp"
#include "symnas/tabular/nb201_bench.hpp"

namespace symnas::cli {
namespace {

struct BenchOptions {
  tabular::Nb201BenchConfig config;
  bench::OptunaPeer peer;  ///< how to start the Optuna peer
  std::vector<std::string> devices = {"all"};
  std::string dataset = "cifar10";
  std::string task = "both";
  std::string out_dir = "bench/results/nasbench201";
  bool no_optuna = false;
  bool no_plots = false;
};

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw ConfigError("cannot write " + path.string());
}

int RunNb201(BenchOptions& o) {
  using namespace symnas::tabular;
  auto& c = o.config;
  if (c.data_path.empty()) c.data_path = DefaultNb201CsvPath();
  c.dataset = ParseNb201Dataset(o.dataset);
  Nb201Table table = Nb201Table::Load(c.data_path);
  c.devices.clear();
  for (const auto& d : o.devices) {
    if (d == "all") {
      c.devices.insert(c.devices.end(), table.devices().begin(), table.devices().end());
    } else {
      c.devices.push_back(table.Device(d));
    }
  }
  if (o.task != "both" && o.task != "constrained" && o.task != "pareto") {
    throw ConfigError("--task must be constrained, pareto or both, not '" + o.task + "'");
  }
  c.run_constrained = o.task != "pareto";
  c.run_pareto = o.task != "constrained";
  c.optuna = !o.no_optuna;
  if (c.joint_devices && (c.devices.size() < 2 || !c.run_constrained)) {
    throw ConfigError(
        "--joint-devices bounds several devices at once: give --task constrained (or both) and "
        "two or more devices, e.g. --device raspi4 --device fpga");
  }
  if (c.seeds < 1 || c.constrained_evals < 1 || c.pareto_evals < 1) {
    throw ConfigError("--seeds, --evals and --pareto-evals must be at least 1");
  }
  fmt::print(stderr, "symnas bench nasbench201: {} device(s), dataset {}, {} seeds{}\n",
             c.devices.size(), o.dataset, c.seeds, c.optuna ? ", Optuna peer side by side" : "");
  o.peer.data_path = c.data_path;
  auto runs = RunNb201Bench(table, c, bench::OptunaRunner(o.peer));
  nlohmann::json summary = SummariseNb201Runs(table, c, runs);
  std::string markdown = Nb201SummaryMarkdown(summary);
  fmt::print("{}", markdown);

  std::filesystem::path out(o.out_dir);
  std::filesystem::create_directories(out);
  nlohmann::json runs_json = nlohmann::json::array();
  for (const auto& r : runs) {
    runs_json.push_back({{"tool", r.tool},
                         {"strategy", r.strategy},
                         {"task", r.task},
                         {"device", Nb201DeviceName(r.device)},
                         {"budget_ms", r.budget_ms},
                         {"seed", r.seed},
                         {"seconds", r.seconds},
                         {"indices", r.indices}});
    if (!r.other_budgets.empty())
      runs_json.back()["other_budgets"] = OtherBudgetsToJson(r.other_budgets);
  }
  WriteFile(out / "runs.json", runs_json.dump());
  WriteFile(out / "summary.json", summary.dump(1));
  WriteFile(out / "summary.md", markdown);
  fmt::print(stderr, "wrote {}/runs.json, summary.json, summary.md\n", out.string());
  if (!o.no_plots) {
    std::string command = fmt::format("'{}' '{}' '{}' 2>&1", o.peer.python, DefaultPlotScriptPath(),
                                      (out / "summary.json").string());
    if (std::system(command.c_str()) != 0) {
      fmt::print(stderr, "plots were not made (needs python3-matplotlib): {}\n", command);
    }
  }
  return 0;
}

void AddNb201Command(CLI::App& sub, BenchOptions& o, CommandRun& run) {
  auto& c = o.config;
  sub.add_option("--data", c.data_path, "nasbench201_hw.csv (default: the copy in data/)");
  sub.add_option("--dataset", o.dataset, "cifar10, cifar100 or imagenet16")->capture_default_str();
  sub.add_option("--device", o.devices,
                 "a device of the table's lat_ms_<device> columns (shipped: raspi4, pixel3, "
                 "fpga, gold_6226, titan_rtx) or all (repeatable)")
      ->capture_default_str();
  sub.add_option("--task", o.task, "constrained, pareto or both")->capture_default_str();
  sub.add_flag("--joint-devices", c.joint_devices,
               "constrained task: budget i of every --device at once (latency_ms@<device> "
               "constraints, one run meets them all) instead of one device at a time");
  sub.add_option("--budget-ms", c.budgets_ms,
                 "latency budgets in ms (repeatable); default: quantiles of each device");
  sub.add_option("--budget-quantiles", c.budget_quantiles,
                 "budgets as quantiles of the device's latency distribution")
      ->capture_default_str();
  sub.add_option("--evals", c.constrained_evals, "evaluations per constrained run")
      ->capture_default_str();
  sub.add_option("--pareto-evals", c.pareto_evals, "evaluations per Pareto run")
      ->capture_default_str();
  sub.add_option("--seeds", c.seeds, "seeds per setting (0..N-1 + --first-seed)")
      ->capture_default_str();
  sub.add_option("--first-seed", c.first_seed, "first seed")->capture_default_str();
  sub.add_option("--strategies", c.constrained_strategies,
                 "symnas strategies for the constrained task")
      ->delimiter(',')
      ->capture_default_str();
  sub.add_option("--pareto-strategies", c.pareto_strategies,
                 "symnas strategies for the Pareto task")
      ->delimiter(',')
      ->capture_default_str();
  sub.add_option("--population", c.optuna_population, "NSGA-II population (both tools)")
      ->capture_default_str();
  sub.add_flag("--no-optuna", o.no_optuna, "do not run the Optuna peer");
  sub.add_option("--peer-runs", c.peer_run_files,
                 "score these optuna_nb201.py --out files instead of running the peer "
                 "(repeatable; each run must match a device, budget and --evals of this bench)");
  sub.add_option("--python", o.peer.python, "python with optuna (the peer and the plots)")
      ->capture_default_str();
  sub.add_option("--out", o.out_dir, "output folder")->capture_default_str();
  sub.add_flag("--no-plots", o.no_plots, "do not draw the PNG plots");
  run = [&o] { return RunNb201(o); };
}

}  // namespace

void AddBenchCommand(CLI::App& sub, CommandRun& run) {
  static BenchOptions options;
  sub.require_subcommand(1);
  static CommandRun nb201_run;
  CLI::App* nb201 = sub.add_subcommand(
      "nasbench201", "Compare strategies with Optuna on NAS-Bench-201 with device latencies");
  AddNb201Command(*nb201, options, nb201_run);
  run = [nb201] { return nb201->parsed() ? nb201_run() : 0; };
}

}  // namespace symnas::cli
