// `symnas dashboard`: takes study files and an address; serves their live dashboard (read-only,
// refreshed while a search writes them) until the process is stopped.
#include <fmt/core.h>

#include <cstdio>

#include "commands.hpp"
#include "symnas/report/server.hpp"

namespace symnas::cli {

void AddDashboardCommand(CLI::App& sub, CommandRun& run) {
  auto options = std::make_shared<report::DashboardOptions>();
  sub.add_option("--study", options->studies, "study file (SQLite); repeat for several")
      ->required();
  sub.add_option("--host", options->host, "address to listen on (default: loopback only)")
      ->capture_default_str();
  sub.add_option("--port", options->port, "port to listen on (0: any free port)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  run = [options] {
    report::DashboardServer server(*options);
    if (!report::IsLoopbackHost(options->host)) {
      fmt::print(stderr,
                 "warning: listening on {}, not loopback: whoever reaches it reads these studies\n",
                 options->host);
    }
    const std::string host =
        options->host.find(':') != std::string::npos ? "[" + options->host + "]" : options->host;
    fmt::print("dashboard: http://{}:{}/ ({} {}; Ctrl-C stops)\n", host, server.port(),
               options->studies.size(), options->studies.size() == 1 ? "study" : "studies");
    std::fflush(stdout);
    return server.Listen() ? 0 : 1;
  };
}

}  // namespace symnas::cli
