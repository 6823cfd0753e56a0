// Tests of the dashboard's routes (Dashboard::Handle, no sockets) and of the HTTP server on a
// free loopback port: known study contents through the API, and the safety cases: path
// traversal, unknown study, bad query parameters, other methods, foreign Host, oversized
// requests, a study that vanishes; none may crash the server or touch the study.
#include "symnas/report/server.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "study_fixture.hpp"
#include "symnas/common/error.hpp"

// Last: it brings <resolv.h>, whose `_res` macro breaks Eigen's headers.
#include <httplib.h>

namespace symnas::report {
namespace {

using nlohmann::json;
using test::StudyFixture;
using test::WriteSymbolicStudy;

class DashboardTest : public StudyFixture {
 protected:
  void SetUp() override {
    StudyFixture::SetUp();
    WriteSymbolicStudy(Path("s.db"));
  }
  HttpResponse Get(const std::string& path, std::multimap<std::string, std::string> params = {},
                   const std::string& host = "127.0.0.1:8080") const {
    Dashboard dashboard({Path("s.db")}, true);
    return dashboard.Handle({"GET", path, std::move(params), host});
  }
};

TEST_F(DashboardTest, ServesThePageAssetsAndTheStudy) {
  const auto page = Get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("static/app.js"), std::string::npos);
  EXPECT_EQ(Get("/static/chart.umd.min.js").status, 200);
  EXPECT_EQ(Get("/static/app.css").content_type, "text/css; charset=utf-8");
  const json list = json::parse(Get("/api/studies").body);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["name"], "fixture");
  EXPECT_EQ(list[0]["trials"], 4);
  const auto study = Get("/api/studies/0");
  ASSERT_EQ(study.status, 200) << study.body;
  EXPECT_EQ(json::parse(study.body)["trials"].size(), 4u);
  const auto trial = Get("/api/studies/0/trial", {{"id", "0"}});
  ASSERT_EQ(trial.status, 200) << trial.body;
  EXPECT_EQ(json::parse(trial.body)["curves"]["val_acc"], json({0.3, 0.5}));
}

TEST_F(DashboardTest, NoPathReachesTheFilesystem) {
  for (const std::string path :
       {"/../../etc/passwd", "/static/../../etc/passwd", "/static/../s.db", "/static/", "/static",
        "/s.db", "/api/studies/0/../../s.db", "//etc/passwd", "/api/studies/0/trial/0", "/api",
        "/api/", "/favicon.ico", "/static/app.js/x"}) {
    const auto r = Get(path);
    EXPECT_EQ(r.status, 404) << path << ": " << r.body;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << path;
  }
  EXPECT_EQ(Get("relative").status, 400);
}

TEST_F(DashboardTest, UnknownStudiesAndBadParametersAre4xx) {
  EXPECT_EQ(Get("/api/studies/1").status, 404);
  EXPECT_EQ(Get("/api/studies/999999999999").status, 404);
  for (const std::string index : {"x", "-1", "0x1", "1e3", "", "00000000000000000001", " 0"}) {
    EXPECT_EQ(Get("/api/studies/" + index).status, 400) << index;
  }
  EXPECT_EQ(Get("/api/studies/0/trial").status, 400);  // no id
  for (const std::string id : {"-1", "abc", "1.5", "", "99999999999999999999"}) {
    EXPECT_EQ(Get("/api/studies/0/trial", {{"id", id}}).status, 400) << id;
  }
  EXPECT_EQ(Get("/api/studies/0/trial", {{"id", "4"}}).status, 404);
  EXPECT_EQ(Get("/api/studies/0/trial", {{"id", "1"}, {"id", "2"}}).status, 400);
  EXPECT_EQ(Get("/api/studies/0", {{"path", "/etc/passwd"}}).status, 400);
  EXPECT_EQ(Get("/", {{"x", "1"}}).status, 400);
  const json error = json::parse(Get("/api/studies/7").body);
  EXPECT_EQ(error["status"], 404);
  EXPECT_NE(error["error"].get<std::string>().find("serves 1"), std::string::npos);
}

TEST_F(DashboardTest, ReadOnlyLoopbackOnlyAndBounded) {
  Dashboard dashboard({Path("s.db")}, true);
  for (const std::string method : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    EXPECT_EQ(dashboard.Handle({method, "/api/studies/0", {}, "localhost"}).status, 405) << method;
  }
  for (const std::string host : {"evil.example:8080", "10.0.0.1", "127.0.0.1.evil.com", "[::2]"}) {
    EXPECT_EQ(dashboard.Handle({"GET", "/", {}, host}).status, 403) << host;
  }
  for (const std::string host : {"localhost:1", "127.0.0.1", "127.1.2.3:80", "[::1]:8080"}) {
    EXPECT_EQ(dashboard.Handle({"GET", "/", {}, host}).status, 200) << host;
  }
  HttpRequest big{"GET", "/", {}, "localhost", kMaxRequestBodyBytes + 1};
  EXPECT_EQ(dashboard.Handle(big).status, 413);
  // Served on a public address, the Host check is off (the user chose to expose it).
  EXPECT_EQ(Dashboard({Path("s.db")}, false).Handle({"GET", "/", {}, "evil.example"}).status, 200);
}

TEST_F(DashboardTest, AStudyThatVanishesIsAnErrorNotACrash) {
  Dashboard dashboard({Path("s.db")}, true);
  std::filesystem::remove(Path("s.db"));
  const auto r = dashboard.Handle({"GET", "/api/studies/0", {}, "localhost"});
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(json::parse(r.body)["error"].get<std::string>().find("no study"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Path("s.db")));  // read-only: never re-created
  EXPECT_EQ(json::parse(dashboard.Handle({"GET", "/api/studies", {}, ""}).body)[0].count("error"),
            1u);
}

TEST_F(DashboardTest, OverHttpOnAFreeLoopbackPort) {
  EXPECT_THROW(DashboardServer({{Path("missing.db")}, "127.0.0.1", 0}), StoreError);
  DashboardServer server({{Path("s.db")}, "127.0.0.1", 0});
  ASSERT_GT(server.port(), 0);
  std::thread serving([&] { server.Listen(); });
  httplib::Client client("127.0.0.1", server.port());
  client.set_connection_timeout(5);
  auto study = client.Get("/api/studies/0");
  ASSERT_TRUE(study);
  EXPECT_EQ(study->status, 200);
  EXPECT_EQ(json::parse(study->body)["trials"].size(), 4u);
  EXPECT_EQ(study->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(study->get_header_value("Content-Security-Policy").find("default-src 'none'"),
            std::string::npos);
  EXPECT_EQ(client.Get("/api/studies/0/trial?id=x")->status, 400);
  EXPECT_EQ(client.Get("/api/studies/3")->status, 404);
  EXPECT_EQ(client.Get("/" + std::string(20000, 'a'))->status, 414);  // request line too long
  EXPECT_EQ(client.Post("/api/studies/0", std::string(kMaxRequestBodyBytes * 4, 'x'), "text/plain")
                ->status,
            413);
  EXPECT_EQ(client.Post("/api/studies/0", "x=1", "application/x-www-form-urlencoded")->status, 405);
  httplib::Headers huge = {{"X-Junk", std::string(20000, 'j')}};
  auto junk = client.Get("/", huge);
  EXPECT_TRUE(!junk || (junk->status >= 400 && junk->status < 500));
  // Still serving after all of that.
  auto again = client.Get("/api/studies");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  server.Stop();
  serving.join();
}

}  // namespace
}  // namespace symnas::report
