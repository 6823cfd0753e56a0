// The explicit table of subcommands (one line each); see commands.hpp.
#include "commands.hpp"

namespace symnas::cli {

void AddVersionCommand(CLI::App& sub, CommandRun& run);
void AddTrainCommand(CLI::App& sub, CommandRun& run);
void AddCostCommand(CLI::App& sub, CommandRun& run);

const std::vector<CommandEntry>& Commands() {
  static const std::vector<CommandEntry> kCommands = {
      {"version", "Print the symnas version and the libraries it was built with",
       &AddVersionCommand},
      {"train", "Train one network (architecture file) on a dataset; print curves and metrics",
       &AddTrainCommand},
      {"cost", "Print the cost analytics (FLOPs, params, memory, size, latency) of a network",
       &AddCostCommand},
  };
  return kCommands;
}

}  // namespace symnas::cli
