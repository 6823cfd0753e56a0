// ParsePgStudyUrl: a postgresql:// study URL -> the libpq conninfo (timeouts and keepalives
// added), the study name and the URL to show (password hidden).
#include <fmt/core.h>

#include <string>
#include <vector>

#include "pg_store.hpp"
#include "symnas/common/error.hpp"

namespace symnas::store {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecoded(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

PgStudyUrl ParsePgStudyUrl(const std::string& url) {
  PgStudyUrl out;
  const std::size_t scheme_end = url.find("://");
  const std::size_t authority_begin = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const std::size_t authority_end = url.find_first_of("/?", authority_begin);
  const std::size_t query_begin = url.find('?');
  std::string head = url.substr(0, query_begin);
  // The password of user:password@ shown as ***.
  std::string display_head = head;
  const std::string authority = url.substr(
      authority_begin,
      (authority_end == std::string::npos ? url.size() : authority_end) - authority_begin);
  const std::size_t at = authority.rfind('@');
  if (at != std::string::npos) {
    const std::size_t colon = authority.find(':');
    if (colon != std::string::npos && colon < at) {
      display_head = url.substr(0, authority_begin) + authority.substr(0, colon + 1) + "***" +
                     head.substr(authority_begin + at);
    }
  }
  std::vector<std::string> kept, shown;
  bool has_timeout = false;
  if (query_begin != std::string::npos) {
    const std::string query = url.substr(query_begin + 1);
    std::size_t pos = 0;
    while (pos <= query.size()) {
      std::size_t amp = query.find('&', pos);
      if (amp == std::string::npos) amp = query.size();
      const std::string item = query.substr(pos, amp - pos);
      pos = amp + 1;
      if (item.empty()) continue;
      const std::size_t eq = item.find('=');
      const std::string key = item.substr(0, eq);
      const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
      if (key == "study") {
        out.study = PercentDecoded(value);
        shown.push_back(item);
        continue;
      }
      if (key == "connect_timeout") has_timeout = true;
      kept.push_back(item);
      shown.push_back(key == "password" ? "password=***" : item);
    }
  }
  auto joined = [](const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : "&") + i;
    return s;
  };
  out.display = display_head + (shown.empty() ? "" : "?" + joined(shown));
  if (out.study.empty()) {
    throw StoreError(
        fmt::format("study URL '{}' names no study: add ?study=NAME (or &study=NAME) "
                    "to choose the study inside the database",
                    out.display));
  }
  if (!has_timeout) kept.push_back("connect_timeout=10");
  // The client side of the same: a server gone silent is a lost connection within ~2 min.
  bool has_keepalives = false;
  for (const auto& k : kept) has_keepalives |= k.rfind("keepalives", 0) == 0;
  if (!has_keepalives)
    kept.push_back("keepalives_idle=60&keepalives_interval=10&keepalives_count=6");
  kept.push_back("fallback_application_name=symnas");
  out.conninfo = head + "?" + joined(kept);
  return out;
}

}  // namespace symnas::store
