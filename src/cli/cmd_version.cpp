// `symnas version`: prints the version of symnas and of the libraries it links.
#include <fmt/core.h>
#include <sqlite3.h>

#include "commands.hpp"

namespace symnas::cli {

void AddVersionCommand(CLI::App& sub, CommandRun& run) {
  run = [] {
    fmt::print("symnas 0.1.0\nsqlite {}\n", sqlite3_libversion());
    return 0;
  };
}

}  // namespace symnas::cli
