// The real `symnas` binary for the report CLI and browser tests: a scratch directory, a study
// with known contents (examples/cnn_proxy_symbolic.yaml: 12 symbolic trials on the CNN-parameter
// proxy, seconds, no training), and a dashboard started on a free loopback port.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <regex>

#include "../common/run_symnas.hpp"
#include "child_process.hpp"
#include "study_fixture.hpp"

#ifndef SYMNAS_BINARY
#define SYMNAS_BINARY ""
#endif

namespace symnas::test {

class CliFixture : public StudyFixture {
 protected:
  void SetUp() override {
    if (std::string(SYMNAS_BINARY).empty()) GTEST_SKIP() << "the symnas binary is not built";
    StudyFixture::SetUp();
  }
  CommandResult Symnas(std::vector<std::string> args) {
    return RunCommand(SYMNAS_BINARY, std::move(args), dir_);
  }
  /// The known study: examples/cnn_proxy_symbolic.yaml, run to its 12 trials.
  std::string KnownStudy() {
    const std::string path = Path("proxy.study.db");
    const auto r = Symnas({"search", "--config",
                           std::string(SYMNAS_SOURCE_DIR) + "/examples/cnn_proxy_symbolic.yaml",
                           "--study", path, "--quiet"});
    EXPECT_EQ(r.code, 0) << r.err;
    return path;
  }
  /// Starts `symnas dashboard --port 0 --study ...`; its port, or 0 if it did not print its
  /// address within 60 s (the binary loads libtorch, slow on a busy machine).
  int StartDashboard(const std::vector<std::string>& studies) {
    std::vector<std::string> args = {"dashboard", "--port", "0"};
    for (const auto& s : studies) args.insert(args.end(), {"--study", s});
    dashboard_ = std::make_unique<ChildProcess>(SYMNAS_BINARY, args, Path("dashboard.out"),
                                                Path("dashboard.err"));
    const std::regex address(R"(dashboard: http://127\.0\.0\.1:(\d+)/)");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline && dashboard_->Running()) {
      std::smatch m;
      const std::string out = Slurp(Path("dashboard.out"));
      if (std::regex_search(out, m, address)) return std::stoi(m[1]);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "no dashboard address; stderr: " << Slurp(Path("dashboard.err"));
    return 0;
  }
  std::unique_ptr<ChildProcess> dashboard_;
};

}  // namespace symnas::test
