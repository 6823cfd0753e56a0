// A study as declared in YAML: name, trials, seed, strategy and its options, objective,
// evaluator kind and options, and the search space (the seed-000 space when none is given).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "symnas/search/space.hpp"

namespace symnas::search {

/// A parsed study configuration. See docs/search.md and examples/*.yaml for the YAML format.
struct StudyConfig {
  std::string name = "study";
  std::int64_t trials = 20;
  std::uint64_t seed = 0;
  std::string strategy = "random";
  nlohmann::json strategy_options = nlohmann::json::object();
  nlohmann::json objective = {{"kind", "accuracy"}};    ///< see MakeObjective
  nlohmann::json evaluator = {{"kind", "synthetic"}};  ///< kind + options, see the CLI table
  SearchSpace space = Seed000Space();

  nlohmann::json ToJson() const;
  static StudyConfig FromJson(const nlohmann::json& json);
};

/// Parses YAML text; ConfigError with file:line:col for syntax errors, unknown keys, bad
/// dimensions (`file_name` is only used in messages).
StudyConfig ParseStudyConfig(const std::string& yaml_text, const std::string& file_name);
/// Reads and parses a YAML file; ConfigError if it cannot be read.
StudyConfig LoadStudyConfig(const std::string& path);
/// Parses the `space:` mapping of a study config (also usable on its own); a string node
/// "seed000" names the built-in default space.
SearchSpace ParseSpaceYaml(const std::string& yaml_text, const std::string& file_name);

}  // namespace symnas::search
