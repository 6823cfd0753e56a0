// Study configs in YAML: generic YAML -> JSON conversion with locations in errors, the space
// mapping (dimensions, a built-in base space), and StudyConfig <-> JSON.
#include "symnas/search/study_config.hpp"

#include <fmt/core.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "symnas/common/error.hpp"
#include "symnas/search/synthetic.hpp"

namespace symnas::search {

namespace {

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

nlohmann::json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return Scalar(node);
    case YAML::NodeType::Sequence: {
      nlohmann::json a = nlohmann::json::array();
      for (const auto& child : node) a.push_back(ToJson(child));
      return a;
    }
    case YAML::NodeType::Map: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& kv : node) o[kv.first.as<std::string>()] = ToJson(kv.second);
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
  nlohmann::json j = ToJson(node);
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

StudyConfig ParseStudyConfig(const std::string& yaml_text, const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(e.msg, {file, e.mark.line + 1, e.mark.column + 1});
  }
  if (!root.IsMap()) throw ConfigError("a study config must be a YAML mapping", {file, 1, 1});
  StudyConfig c;
  static const std::set<std::string> kKeys = {
      "name",      "trials",    "seed",   "strategy", "strategy_options",
      "objective", "evaluator", "pruner", "space"};
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
      if (key == "space") continue;
      nlohmann::json v = ToJson(kv.second);
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
      if (key == "objective")
        need(v.is_object() && v.contains("kind"), "a mapping with a kind"), c.objective = v;
      if (key == "evaluator")
        need(v.is_object() && v.contains("kind"), "a mapping with a kind"), c.evaluator = v;
      if (key == "pruner") {
        need(v.is_string() || (v.is_object() && v.contains("kind")),
             "a pruner name (none, symbolic) or a mapping with a kind");
        c.pruner = v.is_string() ? nlohmann::json{{"kind", v}} : v;
      }
    }
    if (root["space"]) {
      c.space = ParseSpaceNode(root["space"], file);
    } else if (c.evaluator.value("kind", "") == "synthetic") {
      c.space = FindSyntheticFunction(c.evaluator.value("function", std::string("branin"))).space();
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(e.msg, {file, e.mark.line + 1, e.mark.column + 1});
  } catch (const UnknownNameError& e) {
    throw ConfigError(e.message(), {file, 0, 0});
  }
  return c;
}

StudyConfig LoadStudyConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read the study config '" + path + "' (check the path)");
  std::stringstream text;
  text << in.rdbuf();
  return ParseStudyConfig(text.str(), path);
}

}  // namespace symnas::search
