// The explicit table of subcommands (one line each); see commands.hpp. Built twice: into the
// light `symnas` (SYMNAS_CLI_LIGHT: the libtorch-side commands have no attach function and are
// forwarded to symnas-full) and into symnas-full (every command).
#include "commands.hpp"

#ifdef SYMNAS_CLI_LIGHT
#define SYMNAS_FULL_ONLY(attach) nullptr
#else
#define SYMNAS_FULL_ONLY(attach) &attach
#endif

namespace symnas::cli {

void AddVersionCommand(CLI::App& sub, CommandRun& run);
void AddProbCommand(CLI::App& sub, CommandRun& run);
void AddSearchCommand(CLI::App& sub, CommandRun& run);
void AddWorkerCommand(CLI::App& sub, CommandRun& run);
void AddTrialsCommand(CLI::App& sub, CommandRun& run);
void AddExportCommand(CLI::App& sub, CommandRun& run);
void AddTrainCommand(CLI::App& sub, CommandRun& run);
void AddCostCommand(CLI::App& sub, CommandRun& run);
void AddHwCommand(CLI::App& sub, CommandRun& run);
void AddBenchCommand(CLI::App& sub, CommandRun& run);
void AddExplainCommand(CLI::App& sub, CommandRun& run);
void AddDashboardCommand(CLI::App& sub, CommandRun& run);
void AddReportCommand(CLI::App& sub, CommandRun& run);
void AddExportModelCommand(CLI::App& sub, CommandRun& run);

const std::vector<CommandEntry>& Commands() {
  static const std::vector<CommandEntry> kCommands = {
      {"version", "Print the symnas version and the libraries it was built with",
       &AddVersionCommand},
      {"prob", "Exact probabilistic inference on a ProbLog program; 'prob lfi' learns weights",
       &AddProbCommand},
      {"search", "Run or resume a search study (--strategy: see symnas search --help)",
       SYMNAS_FULL_ONLY(AddSearchCommand)},
      {"worker", "Join a running study as one more worker (any machine that reaches its store)",
       SYMNAS_FULL_ONLY(AddWorkerCommand)},
      {"trials", "List the trials and space edits of a study", &AddTrialsCommand},
      {"export", "Export the trials of a study as CSV or JSON", &AddExportCommand},
      {"train", "Train one network (architecture file) on a dataset; print curves and metrics",
       SYMNAS_FULL_ONLY(AddTrainCommand)},
      {"export-model",
       "Export a trained network (study trial or train --save file) as ONNX or TorchScript",
       SYMNAS_FULL_ONLY(AddExportModelCommand)},
      {"cost", "Print the cost analytics (FLOPs, params, memory, size, latency) of a network",
       SYMNAS_FULL_ONLY(AddCostCommand)},
      {"hw", "Hardware cost models: estimate, fit, validate-nb201, probe, lut-check",
       SYMNAS_FULL_ONLY(AddHwCommand)},
      {"bench", "Benchmarks against peers (nasbench201: tabular comparison with Optuna)",
       &AddBenchCommand},
      {"explain", "Explain a symbolic study: diagnoses, tuning rules applied, learned weights",
       &AddExplainCommand},
      {"dashboard", "Serve a live dashboard of studies (read-only, 127.0.0.1 by default)",
       &AddDashboardCommand},
      {"report", "Write a self-contained HTML report of studies", &AddReportCommand},
  };
  return kCommands;
}

}  // namespace symnas::cli
