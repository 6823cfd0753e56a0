// Headless Chromium (Debian `chromium`) opens the live dashboard of a real study and its static
// report, runs their scripts, and dumps the DOM and a screenshot: the DOM must show every trial,
// every applied tuning rule of the study (read from the store) in the story, the rules' learned
// weights, and charts drawn with the study's points. Screenshots: build/tests/report/screenshots.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "cli_fixture.hpp"
#include "symnas/report/study_view.hpp"

namespace symnas::test {
namespace {

/// The Chromium binary: $SYMNAS_CHROMIUM, else /usr/bin/chromium ("" if neither exists).
std::string Chromium() {
  if (const char* env = std::getenv("SYMNAS_CHROMIUM")) return env;
  return std::filesystem::exists("/usr/bin/chromium") ? "/usr/bin/chromium" : "";
}

/// The text of `html` between the element with id `id` and the end of that table/element tag.
std::string Element(const std::string& html, const std::string& id, const std::string& end) {
  const auto at = html.find("id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find(end, at) - at);
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class BrowserTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    if (IsSkipped()) return;
    if (std::getenv("SYMNAS_SKIP_BROWSER_TEST")) GTEST_SKIP() << "SYMNAS_SKIP_BROWSER_TEST set";
    chromium_ = Chromium();
    ASSERT_FALSE(chromium_.empty()) << "no chromium: scripts/setup.sh installs Debian's chromium";
    shots_ = std::filesystem::current_path() / "screenshots";
    std::filesystem::create_directories(shots_);
  }
  /// Loads `url`, lets its scripts run (virtual time: fetches and charts finish first), saves a
  /// screenshot as `shot` and returns the DOM.
  std::string Render(const std::string& url, const std::string& shot) {
    const std::string png = (shots_ / shot).string();
    std::filesystem::remove(png);
    ChildProcess browser(
        chromium_,
        {"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--disable-extensions", "--mute-audio", "--user-data-dir=" + Path("chromium-profile"),
         "--virtual-time-budget=6000", "--window-size=1400,2600", "--screenshot=" + png,
         "--dump-dom", url},
        Path("dom.html"), Path("chromium.err"));
    EXPECT_EQ(browser.Wait(std::chrono::seconds(60)), 0) << Slurp(Path("chromium.err"));
    EXPECT_TRUE(std::filesystem::exists(png)) << "no screenshot " << png;
    return Slurp(Path("dom.html"));
  }
  /// What every page of the known study must show.
  void ExpectStudyShown(const std::string& dom, const std::string& study) {
    ASSERT_NE(dom.find("data-ready=\"1\""), std::string::npos) << dom.substr(0, 2000);
    const auto snapshot = report::ReadStudy(study);
    const std::string trials = Element(dom, "trial-table", "</table>");
    EXPECT_EQ(Count(trials, " data-trial=\""), snapshot.trials.size());
    for (const auto& t : snapshot.trials) {
      EXPECT_NE(trials.find("data-trial=\"" + std::to_string(t.id) + "\""), std::string::npos);
    }
    const std::string story = Element(dom, "story-table", "</table>");
    std::set<std::string> applied;
    for (const auto& row : snapshot.actions) {
      if (row.action.applied)
        applied.insert(row.action.action + " [" + row.action.details.value("problem", "") + "]");
    }
    ASSERT_FALSE(applied.empty());
    for (const auto& rule : applied) EXPECT_NE(story.find(rule), std::string::npos) << rule;
    const std::string weights = Element(dom, "weights-table", "</table>");
    for (const auto& [rule, weight] : snapshot.rule_weights.back().weights) {
      EXPECT_NE(weights.find("data-rule=\"" + rule + "\""), std::string::npos) << rule;
    }
    for (const std::string chart :
         {"history-chart", "cost-chart", "weights-chart", "curves-chart"}) {
      const std::string canvas = Element(dom, chart, ">");
      EXPECT_NE(canvas.find("data-drawn=\"1\""), std::string::npos) << chart << ": " << canvas;
    }
    EXPECT_NE(Element(dom, "history-chart", ">").find("data-points=\"12\""), std::string::npos);
    EXPECT_NE(Element(dom, "cost-chart", ">").find("data-points=\"12\""), std::string::npos);
  }
  std::string chromium_;
  std::filesystem::path shots_;
};

TEST_F(BrowserTest, DashboardAndReportShowTheStudy) {
  const std::string study = KnownStudy();
  const int port = StartDashboard({study});
  ASSERT_GT(port, 0);
  const std::string live =
      Render("http://127.0.0.1:" + std::to_string(port) + "/", "dashboard.png");
  ExpectStudyShown(live, study);
  EXPECT_NE(live.find("live, updated"), std::string::npos);
  const auto r = Symnas({"report", "--study", study, "--out", Path("report.html")});
  ASSERT_EQ(r.code, 0) << r.err;
  dashboard_->Stop();  // the report must not need the server
  const std::string offline = Render("file://" + Path("report.html"), "report.png");
  ExpectStudyShown(offline, study);
  EXPECT_NE(offline.find("static report"), std::string::npos);
}

}  // namespace
}  // namespace symnas::test
