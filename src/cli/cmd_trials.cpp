// `symnas trials`: lists the trials of a study (best first, then failed ones) and its space edits.
#include <fmt/core.h>

#include <filesystem>

#include "commands.hpp"
#include "symnas/common/error.hpp"
#include "symnas/search/driver.hpp"
#include "symnas/store/study_store.hpp"

namespace symnas::cli {

/// Opens an existing study (StoreError if there is no file: StudyStore would create one).
std::unique_ptr<store::StudyStore> OpenExistingStudy(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    throw StoreError("no study at '" + path + "' (run `symnas search --config ... --study " + path + "` first)");
  }
  return std::make_unique<store::StudyStore>(path);
}

void AddTrialsCommand(CLI::App& sub, CommandRun& run) {
  auto path = std::make_shared<std::string>();
  auto limit = std::make_shared<int>(0);
  sub.add_option("--study", *path, "study file")->required();
  sub.add_option("--top", *limit, "show only the best N completed trials (0: all trials)");
  run = [path, limit] {
    auto store = OpenExistingStudy(*path);
    auto config = store->LoadConfig().value_or(nlohmann::json::object());
    auto trials = store->LoadTrials();
    fmt::print("study '{}': strategy {}, {} of {} trials finished\n", config.value("name", "?"),
               config.value("strategy", "?"), search::CountFinished(trials), config.value("trials", 0));
    fmt::print("{}", search::FormatTrialsTable(trials, *limit));
    auto edits = store->LoadSpaceEdits();
    if (!edits.empty()) {
      fmt::print("\nspace edits:\n");
      for (const auto& e : edits) fmt::print("  {}\n", e.ToString());
    }
    return 0;
  };
}

}  // namespace symnas::cli
