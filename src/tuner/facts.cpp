// Fact extraction: learning curves + metrics + budgets -> ProbLog facts (see facts.hpp).
#include "symnas/tuner/facts.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "symnas/search/evaluator.hpp"

namespace symnas::tuner {

Thresholds ThresholdsAtIteration(int iteration) {
  Thresholds thresholds;
  for (int relax_at : {7, 10, 13}) {
    if (iteration >= relax_at) {
      thresholds.lacc = thresholds.lacc / 2 + 0.05;
      thresholds.hloss = thresholds.hloss / 2 + 0.15;
    }
  }
  return thresholds;
}

std::vector<double> Ema(const std::vector<double>& values, double weight) {
  std::vector<double> smoothed;
  smoothed.reserve(values.size());
  for (double value : values) {
    smoothed.push_back(smoothed.empty() ? value : weight * smoothed.back() + (1 - weight) * value);
  }
  return smoothed;
}

double TrapezoidIntegral(const std::vector<double>& values) {
  double total = 0.0;
  for (std::size_t i = 1; i < values.size(); ++i) total += (values[i - 1] + values[i]) / 2;
  return total;
}

double SlopeIntegral(const std::vector<double>& values) {
  if (values.size() < 2) return 0.0;
  return (values.front() + values.back()) / 2 * static_cast<double>(values.size() - 1);
}

bool IsQualityMetric(const std::string& name) {
  return name == "accuracy" || name == "test_accuracy" || name == search::kInt8AccuracyMetric ||
         name == search::kQuantDropMetric;
}

namespace {

std::vector<double> Sanitised(const std::vector<double>& values, double replacement) {
  std::vector<double> out = values;
  for (double& value : out) {
    if (!std::isfinite(value)) value = replacement;
  }
  return out;
}

search::LearningCurves SmoothCurves(const search::LearningCurves& raw) {
  return {Ema(raw.train_loss), Ema(raw.train_acc), Ema(raw.val_loss), Ema(raw.val_acc)};
}

void AppendList(std::ostringstream& out, const char* name, const std::vector<double>& values) {
  if (values.empty()) return;
  out << name << "([";
  for (std::size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << PrologFloat(values[i]);
  out << "]).\n";
}

void AppendScalar(std::ostringstream& out, const char* name, double value) {
  out << name << "(" << PrologFloat(value) << ").\n";
}

}  // namespace

TrialFacts ExtractFacts(const search::EvalResult& result,
                        const std::map<std::string, double>& budgets, int iteration) {
  constexpr double kBadLoss = 1e6;
  TrialFacts facts;
  facts.raw.train_loss = Sanitised(result.curves.train_loss, kBadLoss);
  facts.raw.train_acc = Sanitised(result.curves.train_acc, 0.0);
  facts.raw.val_loss = Sanitised(result.curves.val_loss, kBadLoss);
  facts.raw.val_acc = Sanitised(result.curves.val_acc, 0.0);
  facts.smoothed = SmoothCurves(facts.raw);
  facts.int_loss = TrapezoidIntegral(facts.raw.val_loss);
  facts.int_slope = SlopeIntegral(facts.raw.val_loss);
  facts.thresholds = ThresholdsAtIteration(iteration);
  for (const auto& [name, value] : result.metrics) {
    if (std::isfinite(value) && !IsQualityMetric(name)) facts.metrics[name] = value;
  }
  for (const auto& [name, budget] : budgets) {
    if (!IsQualityMetric(name)) facts.budgets[name] = budget;
  }
  if (auto it = result.metrics.find(search::kQuantDropMetric);
      it != result.metrics.end() && std::isfinite(it->second)) {
    facts.quant_drop = it->second;
  }
  if (auto it = budgets.find(search::kQuantDropMetric); it != budgets.end()) {
    facts.quant_drop_budget = it->second;
  }
  return facts;
}

std::string PrologFloat(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.10g", value);
  std::string text = buffer;
  if (text.find_first_of(".eEn") == std::string::npos) return text + ".0";
  const std::size_t exponent = text.find_first_of("eE");
  if (exponent != std::string::npos && text.find('.') == std::string::npos) {
    text.insert(exponent, ".0");  // ProbLog (like Prolog) wants a fraction before the exponent
  }
  return text;
}

std::string PrologAtom(const std::string& name) {
  bool bare = !name.empty() && name[0] >= 'a' && name[0] <= 'z';
  for (char c : name) {
    bare = bare &&
           ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
  }
  if (bare) return name;
  std::string quoted = "'";
  for (char c : name) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

std::optional<DeviceMetric> SplitDeviceMetric(const std::string& name) {
  const std::size_t at = name.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == name.size() ||
      name.find('@', at + 1) != std::string::npos) {
    return std::nullopt;
  }
  return DeviceMetric{name.substr(0, at), name.substr(at + 1)};
}

std::string DeviceMetricFacts(const std::set<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (auto split = SplitDeviceMetric(name)) {
      out += "device_metric(" + PrologAtom(name) + ", " + PrologAtom(split->metric) + ", " +
             PrologAtom(split->device) + ").\n";
    }
  }
  return out;
}

std::string FactsToProlog(const TrialFacts& facts) {
  std::ostringstream out;
  AppendList(out, "l", facts.raw.train_loss);
  AppendList(out, "a", facts.raw.train_acc);
  AppendList(out, "vl", facts.raw.val_loss);
  AppendList(out, "va", facts.raw.val_acc);
  AppendList(out, "sl", facts.smoothed.train_loss);
  AppendList(out, "sa", facts.smoothed.train_acc);
  AppendList(out, "svl", facts.smoothed.val_loss);
  AppendList(out, "sva", facts.smoothed.val_acc);
  if (facts.raw.val_loss.size() >= 2) {
    AppendScalar(out, "int_loss", facts.int_loss);
    AppendScalar(out, "int_slope", facts.int_slope);
  }
  AppendScalar(out, "lacc", facts.thresholds.lacc);
  AppendScalar(out, "hloss", facts.thresholds.hloss);
  for (const auto& [name, value] : facts.metrics) {
    out << "metric(" << PrologAtom(name) << ", " << PrologFloat(value) << ").\n";
  }
  for (const auto& [name, budget] : facts.budgets) {
    out << "budget(" << PrologAtom(name) << ", " << PrologFloat(budget) << ").\n";
  }
  std::set<std::string> names;
  for (const auto& [name, value] : facts.metrics) names.insert(name);
  for (const auto& [name, budget] : facts.budgets) names.insert(name);
  out << DeviceMetricFacts(names);
  const auto emit_pair = [&](const char* metric, const char* value_name, const char* th_name) {
    if (auto it = facts.metrics.find(metric); it != facts.metrics.end()) {
      AppendScalar(out, value_name, it->second);
    }
    if (auto it = facts.budgets.find(metric); it != facts.budgets.end()) {
      AppendScalar(out, th_name, it->second);
    }
  };
  emit_pair("flops", "flops", "flops_th");
  emit_pair("params", "nparams", "nparams_th");
  if (facts.incumbent_val_acc && facts.incumbent_train_acc) {
    out << "incumbent(" << PrologFloat(*facts.incumbent_val_acc) << ", "
        << PrologFloat(*facts.incumbent_train_acc) << ").\n";
  }
  if (facts.max_epochs > 0) out << "max_epochs(" << facts.max_epochs << ").\n";
  if (facts.rejected) out << "rejected.\n";
  if (facts.quant_drop) AppendScalar(out, "quant_drop", *facts.quant_drop);
  if (facts.quant_drop_budget) AppendScalar(out, "quant_drop_th", *facts.quant_drop_budget);
  return out.str();
}

}  // namespace symnas::tuner
