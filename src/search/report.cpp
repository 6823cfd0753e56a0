// Text table of the best trials: rank, id, status, score, feasibility, accuracy, flops and the
// parameters that differ between the listed trials (all of them when none differs).
#include <fmt/core.h>

#include <set>

#include "symnas/search/driver.hpp"

namespace symnas::search {

std::string FormatTrialsTable(const std::vector<TrialRecord>& trials, int limit) {
  std::vector<std::size_t> rows = RankTrials(trials);
  if (limit > 0 && static_cast<int>(rows.size()) > limit)
    rows.resize(static_cast<std::size_t>(limit));
  if (limit <= 0) {  // also list failed trials, after the ranked ones
    for (std::size_t i = 0; i < trials.size(); ++i) {
      if (trials[i].status != TrialStatus::kComplete) rows.push_back(i);
    }
  }
  // Parameters whose value differs between listed trials (the others are noise in a table).
  std::set<std::string> varying;
  for (std::size_t r : rows) {
    for (const auto& [name, value] : trials[r].params) {
      for (std::size_t q : rows) {
        auto it = trials[q].params.find(name);
        if (it == trials[q].params.end() || !(it->second == value)) varying.insert(name);
      }
    }
  }
  // One row, or rows alike in every parameter: all parameters (the column is never empty).
  if (varying.empty()) {
    for (std::size_t r : rows) {
      for (const auto& [name, value] : trials[r].params) varying.insert(name);
    }
  }
  std::string out = fmt::format("{:>4} {:>5} {:<9} {:>10} {:<5} {:>8} {:>10}  {}\n", "rank", "id",
                                "status", "score", "feas", "accuracy", "flops", "parameters");
  int rank = 0;
  for (std::size_t r : rows) {
    const TrialRecord& t = trials[r];
    const bool complete = t.status == TrialStatus::kComplete;
    auto flops = t.result.metrics.find("flops");
    std::string params;
    for (const auto& name : varying) {
      auto it = t.params.find(name);
      if (it != t.params.end())
        params += (params.empty() ? "" : " ") + name + "=" + ValueToString(it->second);
    }
    std::string status = t.interrupted ? "interrupt" : TrialStatusName(t.status);
    out += fmt::format("{:>4} {:>5} {:<9} {:>10} {:<5} {:>8} {:>10}  {}\n",
                       complete ? std::to_string(++rank) : "-", t.id, status,
                       complete ? fmt::format("{:.4f}", t.objective.score) : "-",
                       complete ? (t.objective.feasible ? "yes" : "no") : "-",
                       complete ? fmt::format("{:.4f}", t.result.accuracy) : "-",
                       flops != t.result.metrics.end() ? fmt::format("{:.3g}", flops->second) : "-",
                       complete ? params : params + "  error: " + t.result.error.substr(0, 60));
  }
  return out;
}

}  // namespace symnas::search
