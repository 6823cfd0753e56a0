// The page of the dashboard and the report: takes the web assets embedded at build time
// (src/report/web/*, third_party/chart.js) and produces the dashboard's HTML (assets served
// beside it) or one self-contained HTML report with the assets and the study data inline.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace symnas::report {

/// One embedded file the dashboard serves under /static/<name>.
struct Asset {
  std::string_view name;          ///< e.g. "app.js"
  std::string_view content_type;  ///< e.g. "text/javascript; charset=utf-8"
  std::string_view content;
};

/// The asset called `name` (one of app.js, app.css, chart.umd.min.js), nullopt otherwise.
std::optional<Asset> FindAsset(std::string_view name);

/// The dashboard page: scripts and styles from /static/, data from /api/.
std::string DashboardPage();

/// The static report: every asset and `data` ({"studies": [{"view": StudyView, "trials":
/// {"<id>": TrialView}}]}) inline, behind a policy that forbids any network access.
std::string ReportPage(const nlohmann::json& data);

/// The report of the studies at `paths` (read-only, one snapshot each): ReportPage of their
/// views and every trial's TrialView. StoreError if one cannot be read.
std::string StudyReport(const std::vector<std::string>& paths);

/// `data` as JSON safe inside an HTML <script> element ('<' written as \u003c).
std::string ScriptSafeJson(const nlohmann::json& data);

}  // namespace symnas::report
