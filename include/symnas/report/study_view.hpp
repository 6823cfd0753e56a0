// The JSON documents behind the dashboard and the static report: takes a consistent snapshot of
// a study (store::StudySnapshot); produces what every view draws (trials table, optimisation
// history, accuracy against cost with budgets, Pareto front and hypervolume, the symbolic story
// and rule weights) and one trial's detail (learning curves, architecture). No HTTP, no files.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "symnas/store/study_store.hpp"

namespace symnas::report {

/// The whole study as the views read it; `label` names it in the page (e.g. the file name).
/// Trial statuses are the store's names as strings ("complete", "failed", "running", and any
/// the store adds); curves and details are left out (see TrialView). Keys: docs/report.md.
nlohmann::json StudyView(const store::StudySnapshot& snapshot, const std::string& label);

/// One trial with its curves, details (architecture, cpu_seconds, ...), diagnoses, actions and
/// the space edits that followed it; nullopt when the study has no trial `trial_id`.
std::optional<nlohmann::json> TrialView(const store::StudySnapshot& snapshot,
                                        std::int64_t trial_id);

/// Reads `path` read-only (StoreError if it is not an existing symnas study) in one snapshot.
store::StudySnapshot ReadStudy(const std::string& path);

}  // namespace symnas::report
