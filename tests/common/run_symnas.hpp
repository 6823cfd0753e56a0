// Runs the real `symnas` binary for the CLI tests: arguments in, exit code + stdout + stderr out
// (captured through files in a scratch directory the test owns).
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace symnas::test {

/// What one run of the binary gave: exit code (-1 if it did not exit normally) and its output.
struct CommandResult {
  int code = -1;
  std::string out, err;
};

/// The whole content of a text file ("" if it cannot be read).
inline std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Runs `binary args...`, stdout/stderr redirected to out.txt/err.txt in `scratch_dir`.
inline CommandResult RunCommand(const std::string& binary, std::vector<std::string> args,
                                const std::filesystem::path& scratch_dir) {
  args.insert(args.begin(), binary);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string out = (scratch_dir / "out.txt").string();
  const std::string err = (scratch_dir / "err.txt").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  CommandResult r;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) == 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

}  // namespace symnas::test
