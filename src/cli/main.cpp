// Entry point of the `symnas` binary: parses the subcommand, runs it, and turns every
// symnas::Error into "ErrorClass: message at file:line:col" and a non-zero exit code. In the
// light binary a subcommand without an attach function (one needing libtorch) is handed over
// whole to symnas-full, installed beside it, by exec.
#include <fmt/core.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <string_view>

#include "commands.hpp"
#include "symnas/common/error.hpp"

namespace {

/// The first non-option argument (the subcommand the user asked for), or nullptr. The top
/// level has no option that takes a value, so this is it.
const char* RequestedName(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') return argv[i];
  }
  return nullptr;
}

/// The table entry named `name`, or nullptr.
const symnas::cli::CommandEntry* FindCommand(const char* name) {
  if (name == nullptr) return nullptr;
  for (const auto& entry : symnas::cli::Commands()) {
    if (std::string_view(name) == entry.name) return &entry;
  }
  return nullptr;
}

/// Replaces this process by symnas-full with the same arguments (argv[0] too, so usage lines
/// still say how the user called symnas); returns only on failure.
int ForwardToFullBinary(char** argv) {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  const std::string full = (self.parent_path() / symnas::cli::kFullBinaryName).string();
  execv(full.c_str(), argv);
  fmt::print(stderr, "InternalError: cannot run {}: {}\n", full, std::strerror(errno));
  return 3;
}

}  // namespace

int main(int argc, char** argv) {
  using symnas::cli::CommandRun;
  const char* name = RequestedName(argc, argv);
  const auto* requested = FindCommand(name);
  if (name != nullptr && requested == nullptr) {  // whatever flags follow (--help too)
    std::string valid;
    for (const auto& entry : symnas::cli::Commands()) {
      valid += (valid.empty() ? "" : ", ") + std::string(entry.name);
    }
    fmt::print(stderr, "{}\n",
               symnas::UnknownNameError(symnas::UnknownNameMessage("command", name, valid)).what());
    return 2;
  }
  if (requested != nullptr && requested->attach == nullptr) return ForwardToFullBinary(argv);
  CLI::App app{"symnas: hardware-aware neural architecture search with a neuro-symbolic tuner"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "symnas 0.1.0");
  std::vector<CommandRun> runs(symnas::cli::Commands().size());
  std::vector<CLI::App*> subs;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& entry = symnas::cli::Commands()[i];
    CLI::App* sub = app.add_subcommand(entry.name, entry.description);
    if (entry.attach != nullptr) entry.attach(*sub, runs[i]);
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
