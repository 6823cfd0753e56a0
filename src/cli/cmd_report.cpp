// `symnas report`: takes study files; writes one self-contained HTML file with the dashboard's
// views of them (no server, no network needed to open it).
#include <fmt/core.h>

#include <fstream>

#include "commands.hpp"
#include "symnas/common/error.hpp"
#include "symnas/report/page.hpp"

namespace symnas::cli {

void AddReportCommand(CLI::App& sub, CommandRun& run) {
  auto studies = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  sub.add_option("--study", *studies, "study file (SQLite); repeat for several")->required();
  sub.add_option("--out", *out, "HTML file to write")->required();
  run = [studies, out] {
    const std::string page = report::StudyReport(*studies);
    std::ofstream file(*out, std::ios::binary | std::ios::trunc);
    file << page;
    file.close();
    if (!file) throw StoreError("report: cannot write '" + *out + "'");
    fmt::print("report: wrote {} ({} KiB, {} {}); open it in any browser, offline\n", *out,
               page.size() / 1024, studies->size(), studies->size() == 1 ? "study" : "studies");
    return 0;
  };
}

}  // namespace symnas::cli
