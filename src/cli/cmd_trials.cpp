// `symnas trials`: lists the trials of a study (best first, then failed ones) and its space edits.
#include <fmt/core.h>

#include <filesystem>

#include "commands.hpp"
#include "symnas/common/error.hpp"
#include "symnas/search/driver.hpp"
#include "symnas/search/pareto.hpp"
#include "symnas/store/study_store.hpp"

namespace symnas::cli {

std::unique_ptr<store::StudyStore> OpenExistingStudy(const std::string& path) {
  if (!store::IsDatabaseUrl(path) && !std::filesystem::exists(path)) {
    throw StoreError("no study at '" + path + "' (run `symnas search --config ... --study " + path +
                     "` first)");
  }
  // A URL naming no study would be created by a read-write open: a read-only one refuses it.
  if (store::IsDatabaseUrl(path)) store::StudyStore::Open(path, store::OpenMode::kReadOnly);
  return store::StudyStore::Open(path);
}

namespace {

/// For a `pareto` objective: the non-dominated completed trials and, when the objective config
/// gives `reference: [...]`, their exact hypervolume (2 or 3 objectives).
void PrintParetoFront(const nlohmann::json& objective,
                      const std::vector<search::TrialRecord>& trials) {
  std::vector<search::ObjectivePoint> points;
  std::vector<std::int64_t> ids;
  for (const auto& t : trials) {
    if (t.status != search::TrialStatus::kComplete || t.objective.vector.empty()) continue;
    points.push_back(t.objective.vector);
    ids.push_back(t.id);
  }
  if (points.empty()) return;
  auto fronts = search::NonDominatedSort(points);
  fmt::print("\nPareto front ({} of {} completed trials; minimisation convention):\n",
             fronts[0].size(), points.size());
  for (std::size_t i : fronts[0]) {
    std::string vec;
    for (double v : points[i]) vec += fmt::format("{}{:.6g}", vec.empty() ? "" : ", ", v);
    fmt::print("  trial {:>4}: ({})\n", ids[i], vec);
  }
  if (objective.contains("reference")) {
    auto reference = objective["reference"].get<std::vector<double>>();
    fmt::print("hypervolume w.r.t. reference {}: {:.6g}\n", objective["reference"].dump(),
               search::Hypervolume(points, reference));
  }
}

}  // namespace

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
               config.value("strategy", "?"), search::CountFinished(trials),
               config.value("trials", 0));
    fmt::print("{}", search::FormatTrialsTable(trials, *limit));
    const auto objective = config.value("objective", nlohmann::json::object());
    if (objective.value("kind", "") == "pareto") PrintParetoFront(objective, trials);
    auto edits = store->LoadSpaceEdits();
    if (!edits.empty()) {
      fmt::print("\nspace edits:\n");
      for (const auto& e : edits) fmt::print("  {}\n", e.ToString());
    }
    return 0;
  };
}

}  // namespace symnas::cli
