// Entry point of the `symnas` binary: parses the subcommand, runs it, and turns every
// symnas::Error into "ErrorClass: message at file:line:col" and a non-zero exit code.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <exception>

#include "commands.hpp"
#include "symnas/common/error.hpp"

int main(int argc, char** argv) {
  using symnas::cli::CommandRun;
  CLI::App app{"symnas: hardware-aware neural architecture search with a neuro-symbolic tuner"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "symnas 0.1.0");
  std::vector<CommandRun> runs(symnas::cli::Commands().size());
  std::vector<CLI::App*> subs;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& entry = symnas::cli::Commands()[i];
    CLI::App* sub = app.add_subcommand(entry.name, entry.description);
    entry.attach(*sub, runs[i]);
    subs.push_back(sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    for (std::size_t i = 0; i < subs.size(); ++i) {
      if (subs[i]->parsed() && runs[i]) return runs[i]();
    }
  } catch (const symnas::Error& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "InternalError: {}\n", e.what());
    return 3;
  }
  return 0;
}
