// The objective kinds (accuracy, seed000, constrained, weighted, pareto) and their table.
#include <fmt/core.h>

#include <cmath>

#include "symnas/common/error.hpp"
#include "symnas/search/objective.hpp"

namespace symnas::search {

double MetricValue(const EvalResult& result, const std::string& metric) {
  if (metric == "accuracy") return result.accuracy;
  if (metric == "test_accuracy") {
    if (!result.test_accuracy) throw ConfigError("the evaluator reported no test_accuracy");
    return *result.test_accuracy;
  }
  auto it = result.metrics.find(metric);
  if (it != result.metrics.end()) return it->second;
  std::string valid = "accuracy";
  for (const auto& [name, v] : result.metrics) valid += ", " + name;
  throw ConfigError(fmt::format("metric '{}' is not reported by the evaluator (available: {})",
                                metric, valid));
}

ObjectiveValue Seed000Objective(double accuracy, double flops, double flops_th, double epsilon) {
  ObjectiveValue v;
  double normalised = std::abs(1.0 - flops / flops_th);
  v.score = -std::abs(accuracy - normalised * epsilon);
  v.feasible = flops <= flops_th;
  v.violation = std::max(0.0, flops / flops_th - 1.0);
  v.vector = {-v.score};
  return v;
}

namespace {

double GetNumber(const nlohmann::json& config, const char* key, std::optional<double> fallback) {
  if (!config.contains(key)) {
    if (fallback) return *fallback;
    throw ConfigError(fmt::format("objective '{}' needs the field '{}'",
                                  config.value("kind", std::string("?")), key));
  }
  if (!config[key].is_number()) throw ConfigError(fmt::format("objective field '{}' must be a number", key));
  return config[key].get<double>();
}

/// Constraints as {"flops": 1e7, ...} or [{"metric": "flops", "budget": 1e7}, ...].
std::vector<Constraint> ParseConstraints(const nlohmann::json& j) {
  std::vector<Constraint> out;
  if (j.is_object()) {
    for (const auto& [metric, budget] : j.items()) {
      if (!budget.is_number()) throw ConfigError("budget of '" + metric + "' must be a number");
      out.push_back({metric, budget.get<double>()});
    }
  } else if (j.is_array()) {
    for (const auto& c : j) out.push_back({c.at("metric").get<std::string>(), c.at("budget").get<double>()});
  } else if (!j.is_null()) {
    throw ConfigError("constraints must be a mapping metric: budget");
  }
  for (const auto& c : out) {
    if (!(c.budget > 0)) throw ConfigError("budget of '" + c.metric + "' must be > 0");
  }
  return out;
}

/// Total normalised violation sum(max(0, value/budget - 1)) of the constraints.
double Violation(const EvalResult& r, const std::vector<Constraint>& constraints) {
  double total = 0.0;
  for (const auto& c : constraints) total += std::max(0.0, MetricValue(r, c.metric) / c.budget - 1.0);
  return total;
}

class AccuracyObjective : public Objective {
 public:
  ObjectiveValue Evaluate(const EvalResult& r) const override {
    return {r.accuracy, true, 0.0, {-r.accuracy}};
  }
  std::string Describe() const override { return "accuracy"; }
};

class Seed000 : public Objective {
 public:
  explicit Seed000(const nlohmann::json& c)
      : flops_th_(GetNumber(c, "flops_threshold", std::nullopt)),
        epsilon_(GetNumber(c, "epsilon", 0.33)) {
    if (!(flops_th_ > 0)) throw ConfigError("seed000 objective: flops_threshold must be > 0");
  }
  ObjectiveValue Evaluate(const EvalResult& r) const override {
    return Seed000Objective(r.accuracy, MetricValue(r, "flops"), flops_th_, epsilon_);
  }
  std::string Describe() const override {
    return fmt::format("seed000(flops_th={:.4g}, eps={:.3g})", flops_th_, epsilon_);
  }
  std::vector<Constraint> Constraints() const override { return {{"flops", flops_th_}}; }

 private:
  double flops_th_, epsilon_;
};

/// Maximise a metric s.t. constraints; infeasible score = floor - violation (floor default -1,
/// below any accuracy), so feasible beats infeasible and infeasible ones rank by violation.
class ConstrainedObjective : public Objective {
 public:
  explicit ConstrainedObjective(const nlohmann::json& c)
      : metric_(c.value("maximise", std::string("accuracy"))),
        floor_(GetNumber(c, "infeasible_floor", -1.0)),
        constraints_(ParseConstraints(c.value("constraints", nlohmann::json()))) {
    if (constraints_.empty()) throw ConfigError("constrained objective: give at least one constraint");
  }
  ObjectiveValue Evaluate(const EvalResult& r) const override {
    ObjectiveValue v;
    v.violation = Violation(r, constraints_);
    v.feasible = v.violation == 0.0;
    v.score = v.feasible ? MetricValue(r, metric_) : floor_ - v.violation;
    v.vector = {-v.score};
    return v;
  }
  std::string Describe() const override {
    std::string s = "max " + metric_ + " s.t.";
    for (const auto& c : constraints_) s += fmt::format(" {}<={:.4g}", c.metric, c.budget);
    return s;
  }
  std::vector<Constraint> Constraints() const override { return constraints_; }

 private:
  std::string metric_;
  double floor_;
  std::vector<Constraint> constraints_;
};

/// score = sum_i weight_i * metric_i / scale_i.
class WeightedObjective : public Objective {
 public:
  explicit WeightedObjective(const nlohmann::json& c) {
    if (!c.contains("terms") || !c["terms"].is_array() || c["terms"].empty()) {
      throw ConfigError("weighted objective: give terms: [{metric, weight, scale}]");
    }
    for (const auto& t : c["terms"]) {
      terms_.push_back({t.at("metric").get<std::string>(), t.value("weight", 1.0), t.value("scale", 1.0)});
      if (terms_.back().scale == 0) throw ConfigError("weighted objective: scale must be non-zero");
    }
    constraints_ = ParseConstraints(c.value("constraints", nlohmann::json()));
  }
  ObjectiveValue Evaluate(const EvalResult& r) const override {
    ObjectiveValue v;
    v.score = 0.0;
    for (const auto& t : terms_) v.score += t.weight * MetricValue(r, t.metric) / t.scale;
    v.violation = Violation(r, constraints_);
    v.feasible = v.violation == 0.0;
    v.vector = {-v.score};
    return v;
  }
  std::string Describe() const override {
    std::string s = "weighted(";
    for (std::size_t i = 0; i < terms_.size(); ++i) {
      s += fmt::format("{}{:+.3g}*{}/{:.3g}", i ? " " : "", terms_[i].weight, terms_[i].metric,
                       terms_[i].scale);
    }
    return s + ")";
  }
  std::vector<Constraint> Constraints() const override { return constraints_; }

 private:
  struct Term {
    std::string metric;
    double weight, scale;
  };
  std::vector<Term> terms_;
  std::vector<Constraint> constraints_;
};

/// Several metrics, each maximised or minimised; vector in the minimisation convention, score
/// (for single-objective strategies) = the first metric, signed so that higher is better.
class ParetoObjective : public Objective {
 public:
  explicit ParetoObjective(const nlohmann::json& c) {
    if (!c.contains("metrics") || !c["metrics"].is_array() || c["metrics"].size() < 2) {
      throw ConfigError("pareto objective: give metrics: [{name, goal: max|min}, ...] (>= 2)");
    }
    for (const auto& m : c["metrics"]) {
      std::string goal = m.value("goal", std::string("min"));
      if (goal != "min" && goal != "max") throw ConfigError("pareto objective: goal must be min or max");
      metrics_.push_back({m.at("name").get<std::string>(), goal == "max" ? -1.0 : 1.0});
    }
    constraints_ = ParseConstraints(c.value("constraints", nlohmann::json()));
  }
  ObjectiveValue Evaluate(const EvalResult& r) const override {
    ObjectiveValue v;
    for (const auto& m : metrics_) v.vector.push_back(m.sign * MetricValue(r, m.name));
    v.score = -v.vector.front();
    v.violation = Violation(r, constraints_);
    v.feasible = v.violation == 0.0;
    return v;
  }
  std::string Describe() const override {
    std::string s = "pareto(";
    for (std::size_t i = 0; i < metrics_.size(); ++i) {
      s += (i ? ", " : "") + std::string(metrics_[i].sign < 0 ? "max " : "min ") + metrics_[i].name;
    }
    return s + ")";
  }
  std::vector<Constraint> Constraints() const override { return constraints_; }
  std::vector<std::string> VectorNames() const override {
    std::vector<std::string> names;
    for (const auto& m : metrics_) names.push_back((m.sign < 0 ? "-" : "") + m.name);
    return names;
  }

 private:
  struct Metric {
    std::string name;
    double sign;
  };
  std::vector<Metric> metrics_;
  std::vector<Constraint> constraints_;
};

template <typename T>
std::unique_ptr<Objective> Make(const nlohmann::json& c) {
  return std::make_unique<T>(c);
}
template <>
std::unique_ptr<Objective> Make<AccuracyObjective>(const nlohmann::json&) {
  return std::make_unique<AccuracyObjective>();
}

}  // namespace

const std::vector<ObjectiveEntry>& Objectives() {
  static const std::vector<ObjectiveEntry> kObjectives = {
      {"accuracy", "maximise validation accuracy", "{kind: accuracy}", &Make<AccuracyObjective>},
      {"seed000", "Symbolic DNN-Tuner eq. 2: -|acc - |1 - flops/flops_th| * eps|",
       "{kind: seed000, flops_threshold: 1e7, epsilon: 0.33}", &Make<Seed000>},
      {"constrained", "maximise a metric s.t. metric <= budget; feasible beats infeasible",
       "{kind: constrained, maximise: accuracy, constraints: {flops: 1e7, params: 1e6}}",
       &Make<ConstrainedObjective>},
      {"weighted", "weighted sum of metrics, each divided by its scale",
       "{kind: weighted, terms: [{metric: accuracy, weight: 1}, {metric: flops, weight: -0.1, "
       "scale: 1e7}]}",
       &Make<WeightedObjective>},
      {"pareto", "several metrics to maximise/minimise; Pareto fronts and hypervolume",
       "{kind: pareto, metrics: [{name: accuracy, goal: max}, {name: flops, goal: min}]}",
       &Make<ParetoObjective>},
  };
  return kObjectives;
}

std::unique_ptr<Objective> MakeObjective(const nlohmann::json& config) {
  if (!config.is_object() || !config.contains("kind") || !config["kind"].is_string()) {
    throw ConfigError("an objective needs a 'kind' (e.g. {kind: accuracy})");
  }
  std::string kind = config["kind"].get<std::string>();
  std::string valid;
  for (const auto& e : Objectives()) {
    if (kind == e.name) {
      try {
        return e.make(config);
      } catch (const nlohmann::json::exception& ex) {
        throw ConfigError(fmt::format("objective '{}': {} (example: {})", kind, ex.what(), e.example));
      }
    }
    valid += (valid.empty() ? "" : ", ") + std::string(e.name);
  }
  throw UnknownNameError(UnknownNameMessage("objective", kind, valid));
}

}  // namespace symnas::search
