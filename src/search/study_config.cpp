// Study configs in YAML: generic YAML -> JSON conversion with locations in errors, the space
// mapping (dimensions, a built-in base space), and StudyConfig <-> JSON.
#include "symnas/search/study_config.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "symnas/common/error.hpp"
#include "symnas/search/strategy.hpp"
#include "symnas/search/synthetic.hpp"

namespace symnas::search {

namespace {

using KeyLocations = std::map<std::string, SourceLocation>;

SourceLocation Where(const YAML::Node& node, const std::string& file) {
  return {file, node.Mark().line + 1, node.Mark().column + 1};
}

nlohmann::json Scalar(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted: always a string
  std::int64_t i = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty()) return i;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (!s.empty() && end == s.c_str() + s.size()) return d;
  if (s == "true" || s == "True" || s == "yes") return true;
  if (s == "false" || s == "False" || s == "no") return false;
  if (s == "~" || s == "null") return nullptr;
  return s;
}

// YAML -> JSON. A key written twice is an error (YAML forbids it; yaml-cpp would keep both and
// the JSON the last). With `keys`, records where each key is written, by dotted path.
nlohmann::json ToJson(const YAML::Node& node, const std::string& file = {},
                      KeyLocations* keys = nullptr, const std::string& path = {}) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return Scalar(node);
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& child : node) a.push_back(ToJson(child, file));
      return a;
    }
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      std::map<std::string, SourceLocation> seen;
      for (const auto& kv : node) {
        const std::string key = kv.first.as<std::string>();
        const SourceLocation where = Where(kv.first, file);
        if (auto [it, fresh] = seen.emplace(key, where); !fresh) {
          throw ConfigError(fmt::format("duplicate key '{}' (first written at line {}); keep one",
                                        key, it->second.line),
                            where);
        }
        const std::string sub = path.empty() ? key : path + "." + key;
        if (keys) (*keys)[sub] = where;
        o[key] = ToJson(kv.second, file, keys, sub);
      }
      return o;
    }
    default:
      return nullptr;
  }
}

SearchSpace BaseSpace(const std::string& name, const SourceLocation& where) {
  if (name == "seed000") return Seed000Space();
  if (name.rfind("synthetic:", 0) == 0) {
    try {
      return FindSyntheticFunction(name.substr(10)).space();
    } catch (const Error& e) {
      throw ConfigError(e.message(), where);
    }
  }
  throw ConfigError("unknown base space '" + name + "' (seed000 or synthetic:<function>)", where);
}

Dimension ParseDimension(const std::string& name, const YAML::Node& node, const std::string& file) {
  const SourceLocation where = Where(node, file);
  if (!node.IsMap())
    throw ConfigError("dimension '" + name + "' must be a mapping {type, low, high, default}",
                      where);
  nlohmann::json j = ToJson(node, file);
  static const std::set<std::string> kKeys = {"type",    "low",     "high", "log",
                                              "default", "choices", "value"};
  for (const auto& [key, v] : j.items()) {
    if (!kKeys.count(key)) {
      throw ConfigError(
          fmt::format("dimension '{}': unknown key '{}' (keys: type, low, high, log, default, "
                      "choices, value)",
                      name, key),
          where);
    }
  }
  try {
    if (j.contains("value")) {
      const auto& v = j["value"];
      Value value = v.is_string()           ? Value{v.get<std::string>()}
                    : v.is_number_integer() ? Value{v.get<std::int64_t>()}
                                            : Value{v.get<double>()};
      return Dimension::Fixed(name, value);
    }
    nlohmann::json dj = j;
    dj["name"] = name;
    if (!dj.contains("type")) dj["type"] = dj.contains("choices") ? "cat" : "real";
    if (!dj.contains("default")) {
      dj["default"] =
          dj.contains("choices") ? dj["choices"][0] : dj.value("low", nlohmann::json(0));
    }
    Dimension d = Dimension::FromJson(dj);
    return SearchSpace({d}).dimensions().front();  // validates
  } catch (const ConfigError& e) {
    throw ConfigError(e.message(), where);
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(fmt::format("dimension '{}': {}", name, e.what()), where);
  }
}

SearchSpace ParseSpaceNode(const YAML::Node& node, const std::string& file) {
  if (node.IsScalar()) return BaseSpace(node.Scalar(), Where(node, file));
  if (!node.IsMap())
    throw ConfigError("space must be a base name or a mapping of dimensions", Where(node, file));
  std::vector<Dimension> dims;
  if (node["base"])
    dims = BaseSpace(node["base"].as<std::string>(), Where(node["base"], file)).dimensions();
  for (const auto& kv : node) {
    const std::string name = kv.first.as<std::string>();
    if (name == "base") continue;
    Dimension d = ParseDimension(name, kv.second, file);
    auto it = std::find_if(dims.begin(), dims.end(), [&](const auto& x) { return x.name == name; });
    if (it != dims.end()) {
      *it = d;
    } else {
      dims.push_back(d);
    }
  }
  try {
    return SearchSpace(std::move(dims));
  } catch (const ConfigError& e) {
    throw ConfigError(e.message(), Where(node, file));
  }
}

/// The values MinimumCosts tries for one dimension (see its comment).
std::vector<Value> FloorValues(const Dimension& dim) {
  if (dim.fixed) return {dim.default_value};
  if (dim.kind == DimKind::kInt) {
    const auto low = static_cast<std::int64_t>(std::llround(dim.low));
    const auto high = static_cast<std::int64_t>(std::llround(dim.high));
    std::vector<Value> values;
    if (high - low < 4) {
      for (std::int64_t v = low; v <= high; ++v) values.emplace_back(v);
    } else {
      values = {Value{low}, Value{high}};
    }
    return values;
  }
  if (dim.kind == DimKind::kCategorical) {
    return std::vector<Value>(dim.choices.begin(), dim.choices.end());
  }
  return {Value{dim.low}, Value{dim.high}};
}

/// Every combination of the dimensions' floor values (an odometer over the value lists); empty
/// when there are more than kMaxFloorCandidates.
std::vector<Params> FloorCandidates(const SearchSpace& space) {
  std::vector<std::pair<std::string, std::vector<Value>>> axes;
  for (const Dimension& dim : space.dimensions()) {
    axes.emplace_back(dim.name, FloorValues(dim));
  }
  std::vector<Params> candidates = {Params{}};
  for (const auto& [name, values] : axes) {
    std::vector<Params> grown;
    for (const Params& partial : candidates) {
      for (const Value& value : values) {
        Params next = partial;
        next[name] = value;
        grown.push_back(std::move(next));
      }
    }
    candidates = std::move(grown);
    if (candidates.size() > kMaxFloorCandidates) return {};
  }
  return candidates;
}

std::string DescribeParams(const Params& params, const SearchSpace& space) {
  std::string text;
  for (const Dimension& dim : space.dimensions()) {
    if (dim.fixed || dim.kind == DimKind::kReal) continue;
    auto it = params.find(dim.name);
    if (it == params.end()) continue;
    text += (text.empty() ? "" : ", ") + dim.name + "=" + ValueToString(it->second);
  }
  return text.empty() ? "the space's only candidate" : text;
}

}  // namespace

std::vector<Constraint> StrategyContextBudgets(const nlohmann::json& strategy_options,
                                               const Objective& objective) {
  if (strategy_options.is_object() && strategy_options.contains("budgets")) return {};
  return objective.Constraints();
}

std::vector<MetricFloor> MinimumCosts(const SearchSpace& space, Evaluator& evaluator,
                                      const std::vector<std::string>& metrics) {
  // With every categorical choice the corners bound the minimum from below; with categoricals
  // at their default they would only bound it from above, which proves nothing about a budget:
  // such a space is not checked (e.g. NAS-Bench-201's 5^6 cells).
  const std::vector<Params> candidates = FloorCandidates(space);
  std::map<std::string, MetricFloor> floors;
  for (const Params& candidate : candidates) {
    std::map<std::string, double> costs;
    try {
      costs = evaluator.EstimateCosts(candidate);
    } catch (const Error&) {
      continue;  // an invalid corner (e.g. a map pooled below 1x1) bounds nothing
    }
    for (const std::string& metric : metrics) {
      auto it = costs.find(metric);
      if (it == costs.end() || !std::isfinite(it->second)) continue;
      auto [floor, inserted] =
          floors.try_emplace(metric, MetricFloor{metric, it->second, candidate});
      if (!inserted && it->second < floor->second.minimum)
        floor->second = {metric, it->second, candidate};
    }
  }
  std::vector<MetricFloor> out;
  for (const std::string& metric : metrics) {
    if (auto it = floors.find(metric); it != floors.end()) out.push_back(it->second);
  }
  return out;
}

std::string UnreachableBudgets(const SearchSpace& space, Evaluator& evaluator,
                               const std::vector<Constraint>& budgets) {
  std::vector<std::string> metrics;
  for (const Constraint& budget : budgets) {
    if (budget.metric != "accuracy" && budget.metric != "test_accuracy") {
      metrics.push_back(budget.metric);
    }
  }
  if (metrics.empty()) return "";
  std::string unreachable;
  for (const MetricFloor& floor : MinimumCosts(space, evaluator, metrics)) {
    for (const Constraint& budget : budgets) {
      if (budget.metric != floor.metric || floor.minimum <= budget.budget) continue;
      unreachable += fmt::format("\n  {} <= {:.6g}: the smallest {} in the space is {:.6g} (at {})",
                                 budget.metric, budget.budget, budget.metric, floor.minimum,
                                 DescribeParams(floor.where, space));
    }
  }
  if (unreachable.empty()) return "";
  return "no candidate of the space can meet these budgets:" + unreachable +
         "\nraise the budget to at least that minimum, or widen the space towards smaller "
         "networks (lower bounds of filters_i / units_i in the config's space:)";
}

void CheckBudgetsReachable(const SearchSpace& space, Evaluator& evaluator,
                           const std::vector<Constraint>& budgets) {
  const std::string message = UnreachableBudgets(space, evaluator, budgets);
  if (!message.empty()) throw ConfigError(message);
}

nlohmann::json StudyConfig::ToJson() const {
  return {{"name", name},
          {"trials", trials},
          {"seed", seed},
          {"strategy", strategy},
          {"strategy_options", strategy_options},
          {"objective", objective},
          {"evaluator", evaluator},
          {"pruner", pruner},
          {"space", space.ToJson()}};
}

StudyConfig StudyConfig::FromJson(const nlohmann::json& j) {
  try {
    StudyConfig c;
    c.name = j.at("name").get<std::string>();
    c.trials = j.at("trials").get<std::int64_t>();
    c.seed = j.at("seed").get<std::uint64_t>();
    c.strategy = j.at("strategy").get<std::string>();
    c.strategy_options = j.value("strategy_options", nlohmann::json::object());
    c.objective = j.at("objective");
    c.evaluator = j.at("evaluator");
    c.pruner = j.value("pruner", nlohmann::json{{"kind", "none"}});
    c.space = SearchSpace::FromJson(j.at("space"));
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(std::string("malformed study config JSON: ") + e.what());
  }
}

SearchSpace ParseSpaceYaml(const std::string& yaml_text, const std::string& file_name) {
  try {
    return ParseSpaceNode(YAML::Load(yaml_text), file_name);
  } catch (const YAML::Exception& e) {
    throw ConfigError(e.msg, {file_name, e.mark.line + 1, e.mark.column + 1});
  }
}

StudyConfig ParseStudyConfig(const std::string& yaml_text, const std::string& file,
                             const std::vector<StrategyEntry>& strategies) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(e.msg, {file, e.mark.line + 1, e.mark.column + 1});
  }
  if (!root.IsMap()) throw ConfigError("a study config must be a YAML mapping", {file, 1, 1});
  StudyConfig c;
  static const std::set<std::string> kKeys = {"name",      "trials",           "seed",
                                              "strategy",  "strategy_options", "objective",
                                              "evaluator", "pruner",           "space"};
  try {
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      const SourceLocation where = Where(kv.first, file);
      if (!kKeys.count(key)) {
        throw ConfigError("unknown key '" + key +
                              "' (keys: name, trials, seed, strategy, strategy_options, "
                              "objective, evaluator, pruner, space)",
                          where);
      }
      if (auto [it, fresh] = c.key_locations.emplace(key, where); !fresh) {
        throw ConfigError(fmt::format("duplicate key '{}' (first written at line {}); keep one",
                                      key, it->second.line),
                          where);
      }
      if (key == "space") continue;
      nlohmann::json v = ToJson(kv.second, file, &c.key_locations, key);
      auto need = [&](bool ok, const char* what) {
        if (!ok)
          throw ConfigError(fmt::format("'{}' must be {}", key, what), Where(kv.second, file));
      };
      if (key == "name") need(v.is_string(), "a string"), c.name = v.get<std::string>();
      if (key == "trials")
        need(v.is_number_integer() && v.get<std::int64_t>() > 0, "a positive integer"),
            c.trials = v.get<std::int64_t>();
      if (key == "seed")
        need(v.is_number_integer() && v.get<std::int64_t>() >= 0, "a non-negative integer"),
            c.seed = v.get<std::uint64_t>();
      if (key == "strategy")
        need(v.is_string(), "a strategy name"), c.strategy = v.get<std::string>();
      if (key == "strategy_options") need(v.is_object(), "a mapping"), c.strategy_options = v;
      // A `kind` is a name (a number there once escaped as an InternalError: fuzz_config).
      const bool has_kind = v.is_object() && v.contains("kind") && v["kind"].is_string();
      if (key == "objective") need(has_kind, "a mapping with a kind name"), c.objective = v;
      if (key == "evaluator") {
        need(has_kind, "a mapping with a kind name");
        if (v.contains("function") && !v["function"].is_string()) {
          throw ConfigError("evaluator option 'function' must be a function name",
                            c.Where("evaluator.function"));
        }
        c.evaluator = v;
      }
      if (key == "pruner") {
        need(v.is_string() || has_kind, "a pruner name (none, symbolic) or a mapping with a kind");
        c.pruner = v.is_string() ? nlohmann::json{{"kind", v}} : v;
      }
    }
    if (root["space"]) {
      c.space = ParseSpaceNode(root["space"], file);
    } else if (c.evaluator.value("kind", "") == "synthetic") {
      c.Locate("evaluator.function", [&] {
        c.space =
            FindSyntheticFunction(c.evaluator.value("function", std::string("branin"))).space();
      });
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(e.msg, {file, e.mark.line + 1, e.mark.column + 1});
  } catch (const UnknownNameError& e) {
    throw ConfigError(e.message(), {file, 0, 0});
  }
  c.file = file;
  ValidateSearchParts(c, strategies);
  return c;
}

SourceLocation StudyConfig::Where(const std::string& key) const {
  for (std::string k = key; !k.empty();) {
    if (auto it = key_locations.find(k); it != key_locations.end()) return it->second;
    std::size_t dot = k.rfind('.');
    k = dot == std::string::npos ? std::string() : k.substr(0, dot);
  }
  return {file, 0, 0};
}

void StudyConfig::Locate(const std::string& key, const std::function<void()>& check) const {
  try {
    check();
  } catch (const Error& e) {
    if (e.location().Known()) throw;
    // An option the message quotes and the user wrote under `key` is the better place.
    std::string where = key;
    for (std::size_t q = e.message().find('\''); q != std::string::npos;) {
      std::size_t end = e.message().find('\'', q + 1);
      if (end == std::string::npos) break;
      const std::string quoted = e.message().substr(q + 1, end - q - 1);
      for (const auto& [k, loc] : key_locations) {
        const bool under = k.rfind(key + ".", 0) == 0;
        if (under && k.size() > quoted.size() &&
            k.compare(k.size() - quoted.size() - 1, std::string::npos, "." + quoted) == 0) {
          where = k;
          break;
        }
      }
      if (where != key) break;
      q = e.message().find('\'', end + 1);
    }
    throw ConfigError(e.message(), Where(where));
  }
}

void ValidateSearchParts(const StudyConfig& c, const std::vector<StrategyEntry>& strategies) {
  c.Locate("strategy", [&] { FindStrategyIn(strategies, c.strategy); });
  c.Locate("strategy_options", [&] {
    ResolveStrategyOptions(FindStrategyIn(strategies, c.strategy), c.strategy_options);
  });
  c.Locate("objective", [&] {
    nlohmann::json objective = c.objective;
    // A `device:` adds its memory budgets later (the CLI's ApplyDeviceBudgets): stand in for one.
    const bool no_constraints =
        !objective.contains("constraints") || objective["constraints"].empty();
    if (c.evaluator.contains("device") && no_constraints && objective.is_object()) {
      objective["constraints"] = {{"peak_memory_bytes", 1.0}};
    }
    MakeObjective(objective);
  });
}

StudyConfig LoadStudyConfig(const std::string& path, const std::vector<StrategyEntry>& strategies) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read the study config '" + path + "' (check the path)");
  std::stringstream text;
  text << in.rdbuf();
  return ParseStudyConfig(text.str(), path, strategies);
}

}  // namespace symnas::search
