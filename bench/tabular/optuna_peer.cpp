// Starts bench/tabular/optuna_nb201.py for one setting of `symnas bench nasbench201` and reads
// its JSON runs back (the last line of its output).
#include "optuna_peer.hpp"

#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "symnas/common/error.hpp"

namespace symnas::bench {

std::string DefaultOptunaScriptPath() {
  return std::string(SYMNAS_SOURCE_DIR) + "/bench/tabular/optuna_nb201.py";
}

std::vector<tabular::Nb201Run> RunOptuna(const OptunaPeer& peer,
                                         const tabular::Nb201BenchConfig& config,
                                         const tabular::Nb201Setting& setting) {
  std::string seeds;
  for (int s = 0; s < config.seeds; ++s) seeds += fmt::format(" {}", config.first_seed + s);
  // Budgets on other devices: --also DEVICE=MS, one constraint each (Optuna's constraints_func).
  std::string also;
  for (const auto& b : setting.other_budgets) {
    also += fmt::format(" --also {}={}", tabular::Nb201DeviceName(b.device), b.budget_ms);
  }
  const std::string script = peer.script.empty() ? DefaultOptunaScriptPath() : peer.script;
  const std::string command = fmt::format(
      "'{}' '{}' --data '{}' --task {} --device {} --dataset {} --budget-ms {}{} --evals {} "
      "--population {} --seeds{} 2>&1",
      peer.python, script, peer.data_path, setting.task, tabular::Nb201DeviceName(setting.device),
      tabular::Nb201DatasetName(config.dataset), setting.budget_ms, also,
      setting.task == "constrained" ? config.constrained_evals : config.pareto_evals,
      config.optuna_population, seeds);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) throw ConfigError("cannot start the Optuna peer: " + command);
  std::string output;
  char buffer[65536];
  while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe.get())) output.append(buffer, n);
  const int status = pclose(pipe.release());
  // The JSON document is the last line; warnings may precede it.
  const std::size_t brace = output.rfind("\n{");
  const std::string json_text = output.substr(brace == std::string::npos ? 0 : brace + 1);
  const nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, false);
  if (status != 0 || doc.is_discarded() || !doc.contains("runs")) {
    throw ConfigError(fmt::format(
        "the Optuna peer failed (exit status {}); install python3-optuna (scripts/setup.sh) or "
        "pass --no-optuna. Command: {}\nOutput:\n{}",
        status, command, output.substr(0, 2000)));
  }
  std::vector<tabular::Nb201Run> runs;
  for (const auto& r : doc["runs"]) {
    runs.push_back({"optuna", r.at("strategy").get<std::string>(), setting.task, setting.device,
                    setting.budget_ms, r.at("seed").get<std::uint64_t>(),
                    r.at("indices").get<std::vector<int>>(), r.at("seconds").get<double>(),
                    setting.other_budgets});
  }
  return runs;
}

tabular::Nb201PeerRunner OptunaRunner(OptunaPeer peer) {
  return [peer = std::move(peer)](const tabular::Nb201BenchConfig& config,
                                  const tabular::Nb201Setting& setting) {
    return RunOptuna(peer, config, setting);
  };
}

}  // namespace symnas::bench
