// Export of a study: trials as CSV (one row per trial, parameters and metrics as columns) and
// the whole study (config, trials, space edits, tuner tables) as one JSON document.
#include <fmt/core.h>

#include <set>

#include "symnas/store/study_store.hpp"

namespace symnas::store {

namespace {

/// RFC 4180: quote fields containing a comma, quote or newline; double inner quotes.
std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string Number(double v) { return fmt::format("{:.10g}", v); }

}  // namespace

std::string TrialsToCsv(const std::vector<search::TrialRecord>& trials) {
  std::set<std::string> params, metrics;
  for (const auto& t : trials) {
    for (const auto& [k, v] : t.params) params.insert(k);
    for (const auto& [k, v] : t.result.metrics) metrics.insert(k);
  }
  std::string out =
      "id,status,interrupted,strategy,seed,score,feasible,violation,accuracy,test_accuracy,wall_"
      "seconds,error";
  for (const auto& p : params) out += "," + CsvField("param." + p);
  for (const auto& m : metrics) out += "," + CsvField("metric." + m);
  out += "\n";
  for (const auto& t : trials) {
    const bool complete = search::HasObjective(t.status);
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}", t.id,
                       search::TrialStatusName(t.status), t.interrupted ? 1 : 0,
                       CsvField(t.strategy), t.seed, complete ? Number(t.objective.score) : "",
                       complete ? (t.objective.feasible ? "1" : "0") : "",
                       complete ? Number(t.objective.violation) : "",
                       complete ? Number(t.result.accuracy) : "",
                       t.result.test_accuracy ? Number(*t.result.test_accuracy) : "",
                       Number(t.result.wall_seconds), CsvField(t.result.error));
    for (const auto& p : params) {
      auto it = t.params.find(p);
      out += "," +
             (it == t.params.end() ? std::string() : CsvField(search::ValueToString(it->second)));
    }
    for (const auto& m : metrics) {
      auto it = t.result.metrics.find(m);
      out += "," + (it == t.result.metrics.end() ? std::string() : Number(it->second));
    }
    out += "\n";
  }
  return out;
}

nlohmann::json StudyToJson(StudyStore& store) {
  nlohmann::json j;
  j["schema_version"] = kSchemaVersion;
  j["config"] = store.LoadConfig().value_or(nlohmann::json());
  j["trials"] = nlohmann::json::array();
  for (const auto& t : store.LoadTrials()) j["trials"].push_back(search::TrialToJson(t));
  j["space_edits"] = nlohmann::json::array();
  for (const auto& e : store.LoadSpaceEdits()) j["space_edits"].push_back(e.ToJson());
  j["diagnoses"] = nlohmann::json::array();
  for (const auto& d : store.LoadDiagnoses()) {
    j["diagnoses"].push_back({{"trial_id", d.trial_id},
                              {"problem", d.diagnosis.problem},
                              {"probability", d.diagnosis.probability},
                              {"details", d.diagnosis.details}});
  }
  j["actions"] = nlohmann::json::array();
  for (const auto& a : store.LoadActions()) {
    j["actions"].push_back({{"trial_id", a.trial_id},
                            {"action", a.action.action},
                            {"probability", a.action.probability},
                            {"applied", a.action.applied},
                            {"details", a.action.details}});
  }
  j["rule_weights"] = nlohmann::json::array();
  for (const auto& w : store.LoadRuleWeights())
    j["rule_weights"].push_back({{"trial_id", w.trial_id}, {"weights", w.weights}});
  return j;
}

}  // namespace symnas::store
