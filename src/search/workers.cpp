// Who runs a trial: this process's worker name (host:pid) and whether the worker of a running
// trial is gone (its process ended on this host, or no heartbeat for stale_after_s).
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "symnas/search/driver.hpp"

namespace symnas::search {

namespace {

/// False when no process `pid` exists on this host or it is a zombie (dead, not yet reaped).
bool ProcessAlive(pid_t pid) {
  if (kill(pid, 0) != 0 && errno == ESRCH) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;  // no /proc: trust kill()
  const auto paren = line.rfind(')');          // "pid (comm) S ...": comm may hold spaces
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] != 'Z';
}

}  // namespace

std::string ThisWorkerName() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) std::snprintf(host, sizeof(host), "unknown");
  return fmt::format("{}:{}", host, static_cast<long>(getpid()));
}

double LastSignOfLife(const TrialRecord& t) {
  return std::max(t.heartbeat_unix_s, t.started_unix_s);
}

bool WorkerIsGone(const TrialRecord& t, const std::string& self, double now_unix_s,
                  double stale_after_s) {
  if (t.worker.empty() || t.worker == self) return true;
  const auto colon = t.worker.rfind(':');
  const std::string self_host = self.substr(0, self.rfind(':'));
  if (colon != std::string::npos && t.worker.substr(0, colon) == self_host) {
    char* end = nullptr;
    const long pid = std::strtol(t.worker.c_str() + colon + 1, &end, 10);
    if (end && *end == '\0' && pid > 0 && !ProcessAlive(static_cast<pid_t>(pid))) {
      return true;  // that process is gone
    }
  }
  return now_unix_s - LastSignOfLife(t) > stale_after_s;
}

}  // namespace symnas::search
