// The table of `symnas` subcommands. Each subcommand lives in its own cmd_<name>.cpp and exposes
// one Add<Name>Command function; commands.cpp lists them all in one explicit table.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace symnas::cli {

/// What a subcommand does once its options are parsed; returns the process exit code.
using CommandRun = std::function<int()>;

/// Declares a subcommand's options on `sub` and stores its action in `run`.
using CommandAttach = void (*)(CLI::App& sub, CommandRun& run);

/// One line of the command table.
struct CommandEntry {
  const char* name;         ///< the subcommand, e.g. "train"
  const char* description;  ///< one line for --help
  CommandAttach attach;     ///< declares options and the action; nullptr in the light binary
                            ///< for a command only symnas-full has (main.cpp forwards it)
};

/// Every subcommand, in the order --help lists them.
const std::vector<CommandEntry>& Commands();

/// The binary that has every command (libtorch included), beside the running one.
inline constexpr const char* kFullBinaryName = "symnas-full";

}  // namespace symnas::cli
