// The one shape of an extension-table entry's options (strategies, pruners, estimators, tuning
// actions, evaluator kinds): OptionSpec, the one resolver (table defaults + a user's mapping ->
// the resolved JSON, or a ConfigError naming the table kind and entry) and the one formatter that
// `--help` and `symnas explain --actions` print.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace symnas {

/// The JSON type an option takes.
enum class OptionType {
  kFromDefault,  ///< the default's type (an integer default takes integers only, a real one any
                 ///< number); with a null default any type
  kAny,          ///< any JSON value (the entry's own reader checks it)
  kInteger,
  kNumber,
  kBool,
  kString,
  kList,
  kMapping,
};

/// One option of a table entry: its name, default, one-line description and bounds.
/// Invariant: a non-null default is itself valid (of the option's type, within [low, high]).
struct OptionSpec {
  const char* name;
  nlohmann::json default_value;  ///< the value when absent; null: none (absent stays absent)
  const char* description;
  std::optional<double> low = std::nullopt;   ///< smallest allowed number (inclusive)
  std::optional<double> high = std::nullopt;  ///< largest allowed number (inclusive)
  OptionType type = OptionType::kFromDefault;
  bool required = false;  ///< with a null default: absent is an error
};

/// Whose options a resolver checks, as its messages name it: "strategy 'bo'", or with `part`
/// (a mapping nested in the entry's options) "evaluator 'cnn' latency".
struct OptionOwner {
  std::string kind;   ///< the table kind: "strategy", "pruner", "evaluator"
  std::string entry;  ///< the entry's name: "bo"
  std::string part;   ///< the nested option holding this mapping, or empty
  /// "strategy 'bo'" or "evaluator 'cnn' latency".
  std::string ToString() const;
};

/// `user` (null: none, or a mapping) checked against `specs` and merged over their defaults; an
/// option without default that the user left out is absent from the result. A `selector` key of
/// `user` (the `kind` that chose the entry) is skipped. ConfigError "<owner>: ..." for a user
/// value that is not a mapping, an unknown option (listing the valid ones), a value of the wrong
/// JSON type, a number outside [low, high] or a required option left out.
nlohmann::json ResolveOptions(const OptionOwner& owner, const std::vector<OptionSpec>& specs,
                              const nlohmann::json& user, std::string_view selector = {});

/// True when `specs` has an option called `name`.
bool HasOptionNamed(const std::vector<OptionSpec>& specs, std::string_view name);

/// "a, b, c" (the option names in table order), or "none".
std::string OptionNames(const std::vector<OptionSpec>& specs);

/// One line per option for --help and docs, each indented by `indent` spaces:
/// "name = default [low, high]: description", "name (required) ..." or "name (no default) ...".
std::string FormatOptions(const std::vector<OptionSpec>& specs, int indent);

/// A table entry for --help: "  name  description" and its options (FormatOptions) below.
std::string FormatEntry(std::string_view name, std::string_view description,
                        const std::vector<OptionSpec>& specs);

/// Every entry of an extension table (entries with `name`, `description` and `params`, an
/// OptionSpec list) for --help, in table order.
template <class Entry>
std::string FormatTable(const std::vector<Entry>& table) {
  std::string text;
  for (const Entry& entry : table) text += FormatEntry(entry.name, entry.description, entry.params);
  return text;
}

}  // namespace symnas
