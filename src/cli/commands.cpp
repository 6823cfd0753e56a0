// The explicit table of subcommands (one line each); see commands.hpp.
#include "commands.hpp"

namespace symnas::cli {

void AddVersionCommand(CLI::App& sub, CommandRun& run);
void AddBenchCommand(CLI::App& sub, CommandRun& run);

const std::vector<CommandEntry>& Commands() {
  static const std::vector<CommandEntry> kCommands = {
      {"version", "Print the symnas version and the libraries it was built with",
       &AddVersionCommand},
      {"bench", "Benchmarks against peers (nasbench201: tabular comparison with Optuna)",
       &AddBenchCommand},
  };
  return kCommands;
}

}  // namespace symnas::cli
