// Embedded assets -> the dashboard page (assets by URL) and the self-contained report page.
#include "symnas/report/page.hpp"

#include <array>
#include <filesystem>

#include "embedded_assets.hpp"
#include "symnas/common/error.hpp"
#include "symnas/report/study_view.hpp"

namespace symnas::report {

namespace {

constexpr std::string_view kHeadMarker = "<!--SYMNAS_HEAD-->";
constexpr std::string_view kScriptsMarker = "<!--SYMNAS_SCRIPTS-->";

/// The page template with its two markers replaced.
std::string FillTemplate(std::string_view head, std::string_view scripts) {
  std::string page(kIndexHtml);
  for (const auto& [marker, text] : {std::pair{kHeadMarker, head}, {kScriptsMarker, scripts}}) {
    const auto at = page.find(marker);
    if (at == std::string::npos) {
      throw Error("InternalError", "the page template lacks " + std::string(marker));
    }
    page.replace(at, marker.size(), text);
  }
  return page;
}

}  // namespace

std::optional<Asset> FindAsset(std::string_view name) {
  static const std::array<Asset, 3> kAssets = {{
      {"app.js", "text/javascript; charset=utf-8", kAppJs},
      {"app.css", "text/css; charset=utf-8", kAppCss},
      {"chart.umd.min.js", "text/javascript; charset=utf-8", kChartJs},
  }};
  for (const auto& asset : kAssets) {
    if (asset.name == name) return asset;
  }
  return std::nullopt;
}

std::string DashboardPage() {
  return FillTemplate(R"(<link rel="stylesheet" href="static/app.css">)",
                      "<script src=\"static/chart.umd.min.js\"></script>\n"
                      "<script src=\"static/app.js\"></script>");
}

std::string ScriptSafeJson(const nlohmann::json& data) {
  // '<' only occurs inside JSON strings, where \u003c means the same character.
  const std::string text = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string ReportPage(const nlohmann::json& data) {
  // No network at all: the page may only run its own inline scripts and styles.
  std::string head =
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n<style>\n";
  head += kAppCss;
  head += "</style>";
  std::string scripts = "<script type=\"application/json\" id=\"symnas-data\">";
  scripts += ScriptSafeJson(data);
  scripts += "</script>\n<script>\n";
  scripts += kChartJs;
  scripts += "</script>\n<script>\n";
  scripts += kAppJs;
  scripts += "</script>";
  return FillTemplate(head, scripts);
}

std::string StudyReport(const std::vector<std::string>& paths) {
  nlohmann::json data = {{"studies", nlohmann::json::array()}};
  for (const auto& path : paths) {
    const auto snapshot = ReadStudy(path);
    nlohmann::json trials = nlohmann::json::object();
    for (const auto& trial : snapshot.trials) {
      trials[std::to_string(trial.id)] = *TrialView(snapshot, trial.id);
    }
    data["studies"].push_back(
        {{"view", StudyView(snapshot, std::filesystem::path(path).filename().string())},
         {"trials", trials}});
  }
  return ReportPage(data);
}

}  // namespace symnas::report
