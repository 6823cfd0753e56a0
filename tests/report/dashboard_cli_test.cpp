// `symnas dashboard` and `symnas report` through the real binary: the API on a study with known
// contents agrees with `symnas explain`; the API while `symnas search` writes the study (the
// writer finishes, every snapshot is whole); the report is one file needing no network; bad
// arguments are errors, not crashes.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cli_fixture.hpp"
#include "symnas/common/error.hpp"
#include "symnas/report/study_view.hpp"

// Last: it brings <resolv.h>, whose `_res` macro breaks Eigen's headers.
#include <httplib.h>

namespace symnas::test {
namespace {

using nlohmann::json;

json GetJson(httplib::Client& client, const std::string& path, int* status = nullptr) {
  auto r = client.Get(path);
  if (!r) return json();
  if (status) *status = r->status;
  return json::parse(r->body, nullptr, false);
}

TEST_F(CliFixture, DashboardApiAgreesWithExplain) {
  const std::string study = KnownStudy();
  const auto explain = Symnas({"explain", "--study", study});
  ASSERT_EQ(explain.code, 0) << explain.err;
  const int port = StartDashboard({study});
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  int status = 0;
  const json view = GetJson(client, "/api/studies/0", &status);
  ASSERT_EQ(status, 200);
  EXPECT_EQ(view["name"], "cnn-proxy-symbolic");
  // 12 trained trials; the default tuner also stores the candidates it rejected before training.
  EXPECT_EQ(view["statuses"].value("complete", 0), 12);
  const std::size_t rejected = view["statuses"].value("rejected", 0);
  EXPECT_EQ(view["trials"].size(), 12u + rejected);
  EXPECT_EQ(view["budgets"], json::parse(R"([{"metric":"flops","budget":1e7}])"));
  // Every step's applied rules, written as `symnas explain` writes them, are on its line.
  ASSERT_EQ(view["story"]["steps"].size(), 12u + rejected);
  std::size_t applied = 0;
  for (const auto& step : view["story"]["steps"]) {
    std::string rules;
    for (const auto& a : step["actions"]) {
      if (!a["applied"].get<bool>()) continue;
      rules += fmt::format("{}{} [{}] p={:.2f}", rules.empty() ? "" : "; ",
                           a["action"].get<std::string>(), a["problem"].get<std::string>(),
                           a["probability"].get<double>());
      ++applied;
    }
    const std::string line =
        fmt::format("{:>4} {:>5} ", step["step"].get<int>(), step["trial"].get<int>());
    const auto at = explain.out.find(line);
    ASSERT_NE(at, std::string::npos) << line;
    const std::string text = explain.out.substr(at, explain.out.find('\n', at) - at);
    EXPECT_NE(text.find(rules), std::string::npos) << text << " lacks " << rules;
    EXPECT_NE(text.find(step["helped"].get<std::string>()), std::string::npos) << text;
  }
  EXPECT_GT(applied, 0u);
  const json trial = GetJson(client, "/api/studies/0/trial?id=3", &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(trial["id"], 3);
  // Bad requests are 4xx and the server keeps serving.
  for (const std::string bad : {"/api/studies/1", "/api/studies/../../etc", "/etc/passwd",
                                "/api/studies/0/trial?id=1;2", "/static/..%2F..%2Fetc%2Fpasswd"}) {
    auto r = client.Get(bad);
    ASSERT_TRUE(r) << bad;
    EXPECT_GE(r->status, 400) << bad;
    EXPECT_LT(r->status, 500) << bad;
  }
  EXPECT_EQ(GetJson(client, "/api/studies", &status).size(), 1u);
  EXPECT_TRUE(dashboard_->Running());
}

TEST_F(CliFixture, DashboardReadsWhileASearchWrites) {
  constexpr int kTrials = 120;
  std::ofstream(Path("live.yaml")) << "name: live\ntrials: " << kTrials
                                   << "\nseed: 1\nstrategy: random\n"
                                      "objective: {kind: constrained, maximise: accuracy, "
                                      "constraints: {flops: 5.0e+7}}\n"
                                      "evaluator: {kind: synthetic, function: cnn_proxy}\n";
  const std::string study = Path("live.db");
  ChildProcess search(SYMNAS_BINARY, {"search", "--config", Path("live.yaml"), "--study", study},
                      Path("search.out"), Path("search.err"));
  // The dashboard needs a study to exist: wait for the search's first trial.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      if (!report::ReadStudy(study).trials.empty()) break;
    } catch (const symnas::Error&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const int port = StartDashboard({study});
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  std::set<std::size_t> counts;
  std::size_t last = 0;
  int reads = 0;
  do {
    int status = 0;
    const json view = GetJson(client, "/api/studies/0", &status);
    ASSERT_EQ(status, 200) << view.dump();
    const std::size_t n = view["trials"].size();
    EXPECT_GE(n, last);
    EXPECT_GE(view["history"].size() + 1, n);  // at most the newest trial is still running
    last = n;
    counts.insert(n);
    ++reads;
  } while (search.Running());
  EXPECT_EQ(search.Wait(std::chrono::seconds(60)), 0) << Slurp(Path("search.err"));
  const json final_view = GetJson(client, "/api/studies/0");
  EXPECT_EQ(final_view["trials"].size(), static_cast<std::size_t>(kTrials));
  EXPECT_EQ(final_view["trials_finished"], kTrials);
  std::cout << "[ info ] " << reads << " reads saw " << counts.size()
            << " different trial counts while the search wrote\n";
}

TEST_F(CliFixture, ReportIsOneFileThatNeedsNoNetwork) {
  const std::string study = KnownStudy();
  const auto r = Symnas({"report", "--study", study, "--out", Path("report.html")});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string page = Slurp(Path("report.html"));
  EXPECT_EQ(page.find("<script src"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("api/studies/0\""), std::string::npos);
  EXPECT_NE(page.find("\"cnn-proxy-symbolic\""), std::string::npos);
  EXPECT_NE(page.find("action(dec_layers,thr_exceeded(flops))"), std::string::npos);
}

TEST_F(CliFixture, BadArgumentsAreErrors) {
  auto r = Symnas({"report", "--study", Path("missing.db"), "--out", Path("r.html")});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("StoreError"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(Path("missing.db")));
  EXPECT_FALSE(std::filesystem::exists(Path("r.html")));
  r = Symnas({"dashboard", "--study", Path("missing.db"), "--port", "0"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("StoreError"), std::string::npos) << r.err;
  r = Symnas({"dashboard", "--study", Path("missing.db"), "--port", "70000"});
  EXPECT_NE(r.code, 0);
  r = Symnas({"dashboard"});
  EXPECT_NE(r.code, 0);
}

}  // namespace
}  // namespace symnas::test
