// The explicit table of subcommands (one line each); see commands.hpp.
#include "commands.hpp"

namespace symnas::cli {

void AddVersionCommand(CLI::App& sub, CommandRun& run);
void AddHwCommand(CLI::App& sub, CommandRun& run);

const std::vector<CommandEntry>& Commands() {
  static const std::vector<CommandEntry> kCommands = {
      {"version", "Print the symnas version and the libraries it was built with",
       &AddVersionCommand},
      {"hw", "Hardware cost models: estimate, fit, validate-nb201, probe, lut-check",
       &AddHwCommand},
  };
  return kCommands;
}

}  // namespace symnas::cli
