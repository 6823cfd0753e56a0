// Dashboard routes (request -> page, asset or JSON from a fresh read-only snapshot) and the
// HTTP server around them (cpp-httplib: every request goes through one pre-routing handler).
#include "symnas/report/server.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <filesystem>

#include "symnas/common/error.hpp"
#include "symnas/report/page.hpp"
#include "symnas/report/study_view.hpp"

// Last: it brings <resolv.h>, whose `_res` macro breaks Eigen's headers (a parameter name).
#include <httplib.h>

namespace symnas::report {

namespace {

using nlohmann::json;

HttpResponse JsonResponse(int status, const json& body) {
  return {status, "application/json", body.dump(-1, ' ', false, json::error_handler_t::replace)};
}

HttpResponse ErrorResponse(int status, const std::string& message) {
  return JsonResponse(status, {{"error", message}, {"status", status}});
}

/// "a/b/c" -> {"a", "b", "c"}; empty segments (leading, doubled or trailing '/') are kept as "",
/// so no two spellings of a path route alike.
std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;  // after the leading '/'
  while (true) {
    const auto slash = path.find('/', start);
    out.push_back(path.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return out;
}

/// A non-negative decimal integer of at most 12 digits, else nullopt.
std::optional<std::int64_t> ParseIndex(const std::string& text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

/// 400 naming the first query parameter not in `allowed` (or given twice), else nullopt.
std::optional<HttpResponse> CheckParams(const HttpRequest& request,
                                        const std::vector<std::string>& allowed) {
  for (const auto& [key, value] : request.params) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return ErrorResponse(400, "unknown query parameter '" + key + "'");
    }
    if (request.params.count(key) > 1)
      return ErrorResponse(400, "query parameter '" + key + "' given twice");
  }
  return std::nullopt;
}

std::string Label(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

Dashboard::Dashboard(std::vector<std::string> study_paths, bool loopback_hosts_only)
    : studies_(std::move(study_paths)), loopback_hosts_only_(loopback_hosts_only) {}

HttpResponse Dashboard::Handle(const HttpRequest& request) const {
  try {
    if (request.body_bytes > kMaxRequestBodyBytes) {
      return ErrorResponse(413, "request body too large (the dashboard takes no body)");
    }
    if (request.method != "GET" && request.method != "HEAD") {
      return ErrorResponse(405, "the dashboard is read-only: only GET is served");
    }
    if (loopback_hosts_only_ && !request.host.empty()) {
      std::string name = request.host;
      if (name.front() == '[') {
        name = name.substr(1, name.find(']') - 1);
      } else if (const auto colon = name.rfind(':'); colon != std::string::npos) {
        name.resize(colon);
      }
      if (!IsLoopbackHost(name)) {
        return ErrorResponse(403, "Host '" + request.host + "' is not this machine's loopback");
      }
    }
    if (request.path.empty() || request.path.front() != '/') return ErrorResponse(400, "bad path");
    const auto segments = Split(request.path);
    if (segments.size() == 1 && segments[0].empty()) {
      if (auto bad = CheckParams(request, {})) return *bad;
      return {200, "text/html; charset=utf-8", DashboardPage()};
    }
    if (segments.size() == 2 && segments[0] == "static") {
      const auto asset = FindAsset(segments[1]);
      if (!asset) return ErrorResponse(404, "no asset '" + segments[1] + "'");
      return {200, std::string(asset->content_type), std::string(asset->content)};
    }
    if (segments[0] == "api") return Api(segments, request);
    return ErrorResponse(404, "no such page: " + request.path);
  } catch (const Error& error) {
    return ErrorResponse(503, error.what());  // e.g. the study file vanished or is unreadable
  } catch (const std::exception& error) {
    return ErrorResponse(500, std::string("internal error: ") + error.what());
  }
}

HttpResponse Dashboard::Api(const std::vector<std::string>& segments,
                            const HttpRequest& request) const {
  if (segments.size() == 2 && segments[1] == "studies") {
    if (auto bad = CheckParams(request, {})) return *bad;
    json list = json::array();
    for (std::size_t i = 0; i < studies_.size(); ++i) {
      json entry = {{"index", i}, {"label", Label(studies_[i])}};
      try {
        const auto snapshot = ReadStudy(studies_[i]);
        entry["name"] = snapshot.config.value_or(json::object()).value("name", entry["label"]);
        entry["trials"] = snapshot.trials.size();
      } catch (const Error& error) {
        entry["name"] = entry["label"];
        entry["error"] = error.what();
      }
      list.push_back(entry);
    }
    return JsonResponse(200, list);
  }
  if (segments.size() < 3 || segments.size() > 4 || segments[1] != "studies") {
    return ErrorResponse(404, "no such API route: " + request.path);
  }
  const auto index = ParseIndex(segments[2]);
  if (!index) return ErrorResponse(400, "a study is named by its index, not '" + segments[2] + "'");
  if (*index >= static_cast<std::int64_t>(studies_.size())) {
    return ErrorResponse(404, "no study " + segments[2] + " (this dashboard serves " +
                                  std::to_string(studies_.size()) + ")");
  }
  const std::string& path = studies_[static_cast<std::size_t>(*index)];
  if (segments.size() == 3) {
    if (auto bad = CheckParams(request, {})) return *bad;
    return JsonResponse(200, StudyView(ReadStudy(path), Label(path)));
  }
  if (segments[3] != "trial") return ErrorResponse(404, "no such API route: " + request.path);
  if (auto bad = CheckParams(request, {"id"})) return *bad;
  const auto id_param = request.params.find("id");
  if (id_param == request.params.end()) return ErrorResponse(400, "give the trial as ?id=N");
  const auto id = ParseIndex(id_param->second);
  if (!id)
    return ErrorResponse(400,
                         "trial id must be a non-negative integer, not '" + id_param->second + "'");
  auto view = TrialView(ReadStudy(path), *id);
  if (!view)
    return ErrorResponse(404, "study " + segments[2] + " has no trial " + id_param->second);
  return JsonResponse(200, *view);
}

struct DashboardServer::Impl {
  Impl(const DashboardOptions& options)
      : dashboard(options.studies, IsLoopbackHost(options.host)) {}
  Dashboard dashboard;
  httplib::Server server;
};

DashboardServer::DashboardServer(const DashboardOptions& options)
    : impl_(std::make_unique<Impl>(options)) {
  if (options.studies.empty()) throw ConfigError("dashboard: give at least one --study FILE");
  for (const auto& path : options.studies) ReadStudy(path);  // fail now, not in the browser
  auto& server = impl_->server;
  server.set_payload_max_length(kMaxRequestBodyBytes);
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_default_headers({
      {"X-Content-Type-Options", "nosniff"},
      {"Cache-Control", "no-store"},
      {"Referrer-Policy", "no-referrer"},
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
  });
  const Dashboard* dashboard = &impl_->dashboard;
  server.set_pre_routing_handler([dashboard](const httplib::Request& req, httplib::Response& res) {
    HttpRequest request{req.method, req.path, {}, req.get_header_value("Host")};
    for (const auto& [key, value] : req.params) request.params.emplace(key, value);
    if (req.has_header("Transfer-Encoding")) {
      request.body_bytes = SIZE_MAX;
    } else if (req.has_header("Content-Length")) {
      const auto declared = ParseIndex(req.get_header_value("Content-Length"));
      request.body_bytes = declared ? static_cast<std::size_t>(*declared) : SIZE_MAX;
    }
    HttpResponse response = dashboard->Handle(request);
    // The body is never read: after a request that has one, do not reuse the connection.
    if (request.body_bytes > 0) res.set_header("Connection", "close");
    res.status = response.status;
    res.set_content(std::move(response.body), response.content_type.c_str());
    return httplib::Server::HandlerResponse::Handled;
  });
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(R"({"error":"internal error","status":500})", "application/json");
      });
  if (options.port == 0) {
    port_ = server.bind_to_any_port(options.host);
  } else if (options.port > 0 && options.port < 65536 &&
             server.bind_to_port(options.host, options.port)) {
    port_ = options.port;
  }
  if (port_ <= 0) {
    throw ConfigError("dashboard: cannot listen on " + options.host + ":" +
                      std::to_string(options.port) + " (address in use, or not of this machine?)");
  }
}

DashboardServer::~DashboardServer() = default;

bool DashboardServer::Listen() { return impl_->server.listen_after_bind(); }

void DashboardServer::Stop() { impl_->server.stop(); }

}  // namespace symnas::report
