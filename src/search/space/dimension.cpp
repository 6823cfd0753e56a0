// Dimensions of a search space: constructors, domain checks, text and JSON forms.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "symnas/common/error.hpp"
#include "symnas/search/space.hpp"

namespace symnas::search {

const char* DimKindName(DimKind kind) {
  switch (kind) {
    case DimKind::kInt: return "int";
    case DimKind::kReal: return "real";
    case DimKind::kCategorical: return "cat";
  }
  return "unknown";
}

DimKind DimKindFromName(const std::string& name) {
  if (name == "int" || name == "integer") return DimKind::kInt;
  if (name == "real" || name == "float") return DimKind::kReal;
  if (name == "cat" || name == "categorical") return DimKind::kCategorical;
  throw ConfigError("unknown dimension type '" + name + "' (expected int, real or cat)");
}

Dimension Dimension::Int(std::string name, std::int64_t low, std::int64_t high,
                         std::int64_t default_value, Scale scale) {
  Dimension d;
  d.name = std::move(name);
  d.kind = DimKind::kInt;
  d.scale = scale;
  d.low = static_cast<double>(low);
  d.high = static_cast<double>(high);
  d.default_value = default_value;
  return d;
}

Dimension Dimension::Real(std::string name, double low, double high, double default_value,
                          Scale scale) {
  Dimension d;
  d.name = std::move(name);
  d.kind = DimKind::kReal;
  d.scale = scale;
  d.low = low;
  d.high = high;
  d.default_value = default_value;
  return d;
}

Dimension Dimension::Categorical(std::string name, std::vector<std::string> choices,
                                 std::string default_value) {
  Dimension d;
  d.name = std::move(name);
  d.kind = DimKind::kCategorical;
  d.choices = std::move(choices);
  d.default_value = std::move(default_value);
  return d;
}

Dimension Dimension::Fixed(std::string name, Value value) {
  Dimension d;
  d.name = std::move(name);
  d.fixed = true;
  if (const auto* s = std::get_if<std::string>(&value)) {
    d.kind = DimKind::kCategorical;
    d.choices = {*s};
  } else {
    d.kind = std::holds_alternative<std::int64_t>(value) ? DimKind::kInt : DimKind::kReal;
    d.low = d.high = AsDouble(value);
  }
  d.default_value = std::move(value);
  return d;
}

bool Dimension::Contains(const Value& value) const {
  if (fixed) {
    if (kind == DimKind::kCategorical || default_value.index() == 2) return value == default_value;
    if (value.index() == 2) return false;
    return AsDouble(value) == AsDouble(default_value);
  }
  switch (kind) {
    case DimKind::kInt: {
      if (!std::holds_alternative<std::int64_t>(value)) return false;
      double v = AsDouble(value);
      return v >= low && v <= high;
    }
    case DimKind::kReal: {
      if (std::holds_alternative<std::string>(value)) return false;
      double v = AsDouble(value);
      return std::isfinite(v) && v >= low && v <= high;
    }
    case DimKind::kCategorical: {
      const auto* s = std::get_if<std::string>(&value);
      return s && std::find(choices.begin(), choices.end(), *s) != choices.end();
    }
  }
  return false;
}

std::string Dimension::DomainString() const {
  if (fixed) return "= " + ValueToString(default_value);
  if (kind == DimKind::kCategorical) {
    std::string out = "{";
    for (std::size_t i = 0; i < choices.size(); ++i) out += (i ? ", " : "") + choices[i];
    return out + "}";
  }
  return fmt::format("{}{} [{:.6g}, {:.6g}]", DimKindName(kind),
                     scale == Scale::kLog ? " log" : "", low, high);
}

nlohmann::json Dimension::ToJson() const {
  nlohmann::json j;
  j["name"] = name;
  j["type"] = DimKindName(kind);
  if (kind == DimKind::kCategorical) {
    j["choices"] = choices;
  } else {
    j["low"] = low;
    j["high"] = high;
    j["log"] = scale == Scale::kLog;
  }
  std::visit([&](const auto& v) { j["default"] = v; }, default_value);
  j["fixed"] = fixed;
  if (past_value) std::visit([&](const auto& v) { j["past_value"] = v; }, *past_value);
  return j;
}

namespace {
Value ValueFromJson(const nlohmann::json& j, DimKind kind) {
  if (j.is_string()) return j.get<std::string>();
  if (!j.is_number()) throw ConfigError("a dimension value must be a number or a string");
  if (kind == DimKind::kInt) return static_cast<std::int64_t>(std::llround(j.get<double>()));
  if (kind == DimKind::kReal) return j.get<double>();
  return j.dump();
}
}  // namespace

Dimension Dimension::FromJson(const nlohmann::json& j) {
  try {
    Dimension d;
    d.name = j.at("name").get<std::string>();
    d.kind = DimKindFromName(j.at("type").get<std::string>());
    if (d.kind == DimKind::kCategorical) {
      d.choices = j.at("choices").get<std::vector<std::string>>();
    } else {
      d.low = j.at("low").get<double>();
      d.high = j.at("high").get<double>();
      d.scale = j.value("log", false) ? Scale::kLog : Scale::kLinear;
    }
    d.default_value = ValueFromJson(j.at("default"), d.kind);
    d.fixed = j.value("fixed", false);
    if (j.contains("past_value")) d.past_value = ValueFromJson(j["past_value"], d.kind);
    return d;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string("malformed dimension JSON: ") + e.what());
  }
}

}  // namespace symnas::search
