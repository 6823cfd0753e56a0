// The Python process of the externals: one per symnas process, started on the first .py module
// (and again after one that died), running python_bridge.py; JSON lines over a socket pair.
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "externs.hpp"
#include "symnas/logic/errors.hpp"

namespace symnas::logic {

std::string_view PythonBridgeScript();  // python_bridge.py, embedded (python_bridge_text.cpp.in)

namespace {

using nlohmann::json;

class PythonBridge {
 public:
  // The process-wide bridge, started on first use (and again after a Python that died).
  static PythonBridge& Get(const SourceLocation& where) {
    static std::mutex start;
    // A dead bridge is kept (not freed): another thread may still hold it and get its error.
    static std::vector<std::unique_ptr<PythonBridge>> bridges;
    std::lock_guard lock(start);
    if (bridges.empty() || bridges.back()->fd_ < 0) {
      bridges.push_back(std::unique_ptr<PythonBridge>(new PythonBridge(where)));
    }
    return *bridges.back();
  }
  ~PythonBridge() {
    if (fd_ >= 0) close(fd_);  // Python reads the end of its input and exits
  }

  // Sends one request and returns its answer; a Python that died is a ConfigError.
  std::string Ask(const std::string& request, const SourceLocation& where) {
    std::lock_guard lock(mutex_);
    if (fd_ < 0) throw ConfigError(exit_message_, where);
    std::string line = request + "\n";
    for (std::size_t sent = 0; sent < line.size();) {
      ssize_t n = send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) Died(where);
      sent += static_cast<std::size_t>(n);
    }
    std::size_t end;
    while ((end = buffer_.find('\n')) == std::string::npos) {
      char chunk[4096];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) Died(where);
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    std::string answer = buffer_.substr(0, end);
    buffer_.erase(0, end + 1);
    return answer;
  }

 private:
  explicit PythonBridge(const SourceLocation& where) {
    const char* env = std::getenv("SYMNAS_PYTHON");
    python_ = env && *env ? env : "/usr/bin/python3";
    if (access(python_.c_str(), X_OK) != 0) {
      throw ConfigError(
          "cannot run Python '" + python_ + "' for the program's Python module (set SYMNAS_PYTHON)",
          where);
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      throw ConfigError("cannot create the pipe to Python", where);
    }
    std::string script(PythonBridgeScript());
    pid_ = fork();
    if (pid_ < 0) throw ConfigError("cannot start Python '" + python_ + "'", where);
    if (pid_ == 0) {
      dup2(sv[1], 0);
      dup2(sv[1], 1);
      execl(python_.c_str(), python_.c_str(), "-u", "-c", script.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(sv[1]);
    fd_ = sv[0];
  }

  [[noreturn]] void Died(const SourceLocation& where) {
    close(fd_);
    fd_ = -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    exit_message_ = "Python (" + python_ + ") running the program's Python module exited" +
                    (WIFEXITED(status) ? " with status " + std::to_string(WEXITSTATUS(status))
                                       : std::string(" on a signal"));
    throw ConfigError(exit_message_, where);
  }

  std::mutex mutex_;
  std::string python_;
  pid_t pid_ = -1;
  std::atomic<int> fd_{-1};  // read by Get() without mutex_
  std::string buffer_;
  std::string exit_message_;
};

}  // namespace

nlohmann::json AskPython(const nlohmann::json& request, const SourceLocation& where) {
  return json::parse(PythonBridge::Get(where).Ask(request.dump(), where));
}

// An error answer -> GroundingError with the Python exception's class, as ProbLog raises it.
void ThrowIfPythonError(const json& answer, const std::string& what, const SourceLocation& where) {
  if (answer.value("ok", false)) return;
  std::string message = what + ": " + answer.value("message", std::string());
  std::string in_python = answer.value("where", std::string());
  if (!in_python.empty()) message += " (at " + in_python + ")";
  throw GroundingError(message, where, answer.value("error", std::string("GroundingError")));
}

std::vector<ExternFunction> LoadPythonModule(const std::string& path, const SourceLocation& where) {
  if (!std::filesystem::exists(path)) {
    throw ConfigError("cannot find Python module '" + path + "'", where);
  }
  std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  json answer = AskPython({{"op", "load"}, {"path", absolute}}, where);
  ThrowIfPythonError(answer, "importing Python module '" + path + "' failed", where);
  std::vector<ExternFunction> functions;
  for (const json& f : answer["functions"]) {
    ExternFunction e;
    e.name = f["name"].get<std::string>();
    std::string kind = f["kind"].get<std::string>();
    e.kind = kind == "raw"
                 ? ExternFunction::Kind::kRaw
                 : (kind == "nondet" ? ExternFunction::Kind::kNondet : ExternFunction::Kind::kDet);
    e.inputs = f["in"].get<std::vector<std::string>>();
    e.outputs = f["out"].get<std::vector<std::string>>();
    e.where = where;
    functions.push_back(std::move(e));
  }
  return functions;
}

}  // namespace symnas::logic
