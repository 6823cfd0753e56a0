// `symnas export`: writes all trials of a study as CSV, or the whole study as JSON.
#include <fmt/core.h>

#include <fstream>
#include <memory>

#include "commands.hpp"
#include "symnas/common/error.hpp"
#include "symnas/store/study_store.hpp"

namespace symnas::cli {

void AddExportCommand(CLI::App& sub, CommandRun& run) {
  struct Args {
    std::string study, format = "csv", out;
  };
  auto a = std::make_shared<Args>();
  sub.add_option("--study", a->study, "study file")->required();
  sub.add_option("--format", a->format, "csv or json")->check(CLI::IsMember({"csv", "json"}));
  sub.add_option("--out", a->out, "output file (default: standard output)");
  run = [a] {
    auto store = OpenExistingStudy(a->study);
    std::string text = a->format == "csv" ? store::TrialsToCsv(store->LoadTrials())
                                          : store::StudyToJson(*store).dump(2) + "\n";
    if (a->out.empty()) {
      fmt::print("{}", text);
      return 0;
    }
    std::ofstream out(a->out);
    if (!out || !(out << text))
      throw StoreError("cannot write '" + a->out + "' (check the directory)");
    return 0;
  };
}

}  // namespace symnas::cli
