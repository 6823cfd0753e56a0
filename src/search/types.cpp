// Conversions of parameter values and trial statuses.
#include "symnas/search/types.hpp"

#include <fmt/core.h>

#include <cmath>

#include "symnas/common/error.hpp"

namespace symnas::search {

double AsDouble(const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&value)) return *d;
  throw ConfigError("expected a number, got the label '" + std::get<std::string>(value) + "'");
}

std::int64_t AsInt(const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  if (const auto* d = std::get_if<double>(&value))
    return static_cast<std::int64_t>(std::llround(*d));
  throw ConfigError("expected an integer, got the label '" + std::get<std::string>(value) + "'");
}

const std::string& AsString(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  throw ConfigError("expected a categorical label, got the number " + ValueToString(value));
}

std::string ValueToString(const Value& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return fmt::format("{:.6g}", *d);
  return std::get<std::string>(value);
}

nlohmann::json ParamsToJson(const Params& params) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& entry : params) {  // no structured binding: clang 14 cannot capture one
    std::visit([&](const auto& v) { json[entry.first] = v; }, entry.second);
  }
  return json;
}

Params ParamsFromJson(const nlohmann::json& json) {
  if (!json.is_object()) throw ConfigError("parameters must be a JSON object");
  Params params;
  for (const auto& [name, v] : json.items()) {
    if (v.is_number_integer()) {
      params[name] = v.get<std::int64_t>();
    } else if (v.is_number()) {
      params[name] = v.get<double>();
    } else if (v.is_string()) {
      params[name] = v.get<std::string>();
    } else if (v.is_boolean()) {
      params[name] = static_cast<std::int64_t>(v.get<bool>() ? 1 : 0);
    } else {
      throw ConfigError("parameter '" + name + "' must be a number or a string");
    }
  }
  return params;
}

const char* TrialStatusName(TrialStatus status) {
  switch (status) {
    case TrialStatus::kRunning:
      return "running";
    case TrialStatus::kComplete:
      return "complete";
    case TrialStatus::kFailed:
      return "failed";
    case TrialStatus::kPruned:
      return "pruned";
    case TrialStatus::kRejected:
      return "rejected";
  }
  return "unknown";
}

bool HasObjective(TrialStatus status) {
  return status == TrialStatus::kComplete || status == TrialStatus::kPruned ||
         status == TrialStatus::kRejected;
}

bool CountsAsTrial(TrialStatus status) {
  return status == TrialStatus::kComplete || status == TrialStatus::kFailed ||
         status == TrialStatus::kPruned;
}

TrialStatus TrialStatusFromName(const std::string& name) {
  if (name == "running") return TrialStatus::kRunning;
  if (name == "complete") return TrialStatus::kComplete;
  if (name == "failed") return TrialStatus::kFailed;
  if (name == "pruned") return TrialStatus::kPruned;
  if (name == "rejected") return TrialStatus::kRejected;
  throw StoreError("unknown trial status '" + name +
                   "' (expected running, complete, failed, pruned or rejected)");
}

}  // namespace symnas::search
