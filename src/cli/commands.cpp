// The explicit table of subcommands (one line each); see commands.hpp.
#include "commands.hpp"

namespace symnas::cli {

void AddVersionCommand(CLI::App& sub, CommandRun& run);
void AddProbCommand(CLI::App& sub, CommandRun& run);

const std::vector<CommandEntry>& Commands() {
  static const std::vector<CommandEntry> kCommands = {
      {"version", "Print the symnas version and the libraries it was built with",
       &AddVersionCommand},
      {"prob", "Exact probabilistic inference on a ProbLog program; 'prob lfi' learns weights",
       &AddProbCommand},
  };
  return kCommands;
}

}  // namespace symnas::cli
