// The live dashboard: takes the study files given on the command line and an address; serves
// the page, its assets and a read-only JSON API over HTTP (cpp-httplib). Each API request reads
// a fresh snapshot of its study (read-only, WAL), so a search may write the file meanwhile.
// Routes (everything else is 4xx; no request path ever reaches the filesystem):
//   GET /                          the page           GET /static/<asset>   app.js, app.css, chart
//   GET /api/studies               [{index, label, name, trials}]
//   GET /api/studies/<i>           StudyView of study i
//   GET /api/studies/<i>/trial?id=<n>   TrialView of trial n
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace symnas::report {

/// A request as the router sees it (decoded path and query parameters).
struct HttpRequest {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> params;
  std::string host;            ///< the Host header ("" if absent)
  std::size_t body_bytes = 0;  ///< declared body size (Content-Length; chunked: SIZE_MAX)
};

/// What the router answers.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

/// The dashboard's routes over a fixed list of study files. Stateless between requests.
class Dashboard {
 public:
  /// `loopback_hosts_only`: answer only requests whose Host names a loopback address
  /// (127.0.0.1, localhost, [::1]), as a browser on this machine sends, against DNS rebinding.
  Dashboard(std::vector<std::string> study_paths, bool loopback_hosts_only);
  /// Routes one request; never throws (a study that cannot be read gives a 5xx JSON error).
  HttpResponse Handle(const HttpRequest& request) const;

  const std::vector<std::string>& studies() const { return studies_; }

 private:
  HttpResponse Api(const std::vector<std::string>& segments, const HttpRequest& request) const;
  std::vector<std::string> studies_;
  bool loopback_hosts_only_;
};

/// Largest request body accepted (every route is a GET; a body is refused beyond this).
inline constexpr std::size_t kMaxRequestBodyBytes = 4096;

/// Where and what to serve.
struct DashboardOptions {
  std::vector<std::string> studies;
  std::string host = "127.0.0.1";
  int port = 8080;  ///< 0: any free port
};

/// Serves a Dashboard over HTTP until Stop() (from another thread or a signal handler's thread).
class DashboardServer {
 public:
  /// Checks every study can be read and binds the address; StoreError / ConfigError otherwise.
  explicit DashboardServer(const DashboardOptions& options);
  ~DashboardServer();
  /// The bound port (the chosen one when options.port was 0).
  int port() const { return port_; }
  /// Serves until Stop(); false if the server failed.
  bool Listen();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

/// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(const std::string& host);

}  // namespace symnas::report
