// ResolveOptions and FormatOptions: an entry's OptionSpecs + a user's mapping -> the resolved
// options (or a ConfigError naming the entry), and the same specs -> --help text.
#include "symnas/common/options.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "symnas/common/error.hpp"

namespace symnas {
namespace {

/// The JSON types an option can be declared with: how messages name them, how to test one.
struct TypeRow {
  OptionType type;
  const char* phrase;
  bool (nlohmann::json::*test)() const noexcept;
};
constexpr TypeRow kTypes[] = {
    {OptionType::kInteger, "an integer", &nlohmann::json::is_number_integer},
    {OptionType::kNumber, "a number", &nlohmann::json::is_number},
    {OptionType::kBool, "true or false", &nlohmann::json::is_boolean},
    {OptionType::kString, "a string", &nlohmann::json::is_string},
    {OptionType::kList, "a list", &nlohmann::json::is_array},
    {OptionType::kMapping, "a mapping", &nlohmann::json::is_object},
};

/// The type `spec` takes: its own, else its default's (the first row that fits: an integer
/// before a number; kAny for a null default).
OptionType TypeOf(const OptionSpec& spec) {
  if (spec.type != OptionType::kFromDefault) return spec.type;
  for (const TypeRow& row : kTypes) {
    if ((spec.default_value.*row.test)()) return row.type;
  }
  return OptionType::kAny;
}

/// The row of `type`; nullptr for kAny (and kFromDefault, which TypeOf resolves first).
const TypeRow* RowOf(OptionType type) {
  for (const TypeRow& row : kTypes) {
    if (row.type == type) return &row;
  }
  return nullptr;
}

/// A number as --help shows it: 1e-06, 3.16228, 20.
std::string ShowValue(const nlohmann::json& value) {
  if (value.is_number()) return fmt::format("{:g}", value.get<double>());
  return value.dump();
}

/// "[low, high]", ">= low", "<= high" or "" without bounds.
std::string RangeText(const OptionSpec& spec) {
  if (spec.low && spec.high) return fmt::format("[{:g}, {:g}]", *spec.low, *spec.high);
  if (spec.low) return fmt::format(">= {:g}", *spec.low);
  if (spec.high) return fmt::format("<= {:g}", *spec.high);
  return "";
}

void CheckValue(const OptionOwner& owner, const OptionSpec& spec, const nlohmann::json& value) {
  const OptionType type = TypeOf(spec);
  if (const TypeRow* row = RowOf(type); row != nullptr && !(value.*row->test)()) {
    const std::string like =
        spec.default_value.is_null() ? "" : " (like " + spec.default_value.dump() + ")";
    throw ConfigError(fmt::format("{}: option '{}' must be {}{}, got {}", owner.ToString(),
                                  spec.name, row->phrase, like, value.dump()));
  }
  if (!spec.low && !spec.high) return;
  const bool in_range = value.is_number() && (!spec.low || value.get<double>() >= *spec.low) &&
                        (!spec.high || value.get<double>() <= *spec.high);
  if (!in_range) {
    throw ConfigError(fmt::format("{}: option '{}' must be {}{}, got {}", owner.ToString(),
                                  spec.name, type == OptionType::kInteger ? "an integer " : "",
                                  RangeText(spec), value.dump()));
  }
}

}  // namespace

std::string OptionOwner::ToString() const {
  std::string text = fmt::format("{} '{}'", kind, entry);
  return part.empty() ? text : text + " " + part;
}

nlohmann::json ResolveOptions(const OptionOwner& owner, const std::vector<OptionSpec>& specs,
                              const nlohmann::json& user, std::string_view selector) {
  if (!user.is_null() && !user.is_object()) {
    throw ConfigError(
        fmt::format("{}: options must be a mapping, got {}", owner.ToString(), user.dump()));
  }
  nlohmann::json out = nlohmann::json::object();
  for (const OptionSpec& spec : specs) {
    if (!spec.default_value.is_null()) out[spec.name] = spec.default_value;
  }
  if (user.is_object()) {
    for (const auto& [key, value] : user.items()) {
      if (!selector.empty() && key == selector) continue;
      const auto spec = std::find_if(specs.begin(), specs.end(),
                                     [&](const OptionSpec& s) { return key == s.name; });
      if (spec == specs.end()) {
        throw ConfigError(fmt::format("{}: unknown option '{}'; valid options: {}",
                                      owner.ToString(), key, OptionNames(specs)));
      }
      CheckValue(owner, *spec, value);
      out[key] = value;
    }
  }
  for (const OptionSpec& spec : specs) {
    if (spec.required && !out.contains(spec.name)) {
      throw ConfigError(fmt::format("{}: option '{}' is required ({})", owner.ToString(), spec.name,
                                    spec.description));
    }
  }
  return out;
}

bool HasOptionNamed(const std::vector<OptionSpec>& specs, std::string_view name) {
  return std::any_of(specs.begin(), specs.end(),
                     [&](const OptionSpec& spec) { return name == spec.name; });
}

std::string OptionNames(const std::vector<OptionSpec>& specs) {
  std::string names;
  for (const OptionSpec& spec : specs)
    names += (names.empty() ? "" : ", ") + std::string(spec.name);
  return names.empty() ? "none" : names;
}

std::string FormatOptions(const std::vector<OptionSpec>& specs, int indent) {
  std::string text;
  for (const OptionSpec& spec : specs) {
    const std::string value = spec.required ? " (required)"
                              : spec.default_value.is_null()
                                  ? " (no default)"
                                  : " = " + ShowValue(spec.default_value);
    const std::string range = RangeText(spec);
    text += fmt::format("{:{}}{}{}{}: {}\n", "", indent, spec.name, value,
                        range.empty() ? "" : " " + range, spec.description);
  }
  return text;
}

std::string FormatEntry(std::string_view name, std::string_view description,
                        const std::vector<OptionSpec>& specs) {
  return fmt::format("  {:<20} {}\n", name, description) + FormatOptions(specs, 6);
}

}  // namespace symnas
