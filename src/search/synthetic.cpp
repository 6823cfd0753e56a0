// Synthetic test functions with known minima (Branin, Hartmann-6, a mixed int/log/categorical
// bowl, a CNN-parameter proxy) and the evaluator that reports them as accuracies with fake costs.
#include "symnas/search/synthetic.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <numbers>
#include <random>
#include <thread>

#include "symnas/common/error.hpp"
#include "symnas/common/name_table.hpp"
#include "symnas/hw/layer_builder.hpp"
#include "symnas/search/cnn_template.hpp"

namespace symnas::search {

namespace {

double Num(const Params& p, const std::string& name, double fallback) {
  auto it = p.find(name);
  return it == p.end() || it->second.index() == 2 ? fallback : AsDouble(it->second);
}
std::string Label(const Params& p, const std::string& name, const std::string& fallback) {
  auto it = p.find(name);
  return it == p.end() || it->second.index() != 2 ? fallback : AsString(it->second);
}
/// A CNN template parameter's value in `p`, or its template default (cnn_template.hpp).
double TemplateNum(const Params& p, const std::string& name) {
  return Num(p, name, AsDouble(*CnnTemplateDefault(name)));
}
std::string TemplateLabel(const Params& p, const std::string& name) {
  return Label(p, name, AsString(*CnnTemplateDefault(name)));
}

// Branin-Hoo on [-5, 10] x [0, 15]; minimum 0.397887 at (-pi, 12.275), (pi, 2.275),
// (9.42478, 2.475).
SearchSpace BraninSpace() {
  return SearchSpace({Dimension::Real("x0", -5, 10, 2.5), Dimension::Real("x1", 0, 15, 7.5)});
}
double Branin(const Params& p) {
  const double pi = std::numbers::pi, x0 = Num(p, "x0", 0), x1 = Num(p, "x1", 0);
  const double b = 5.1 / (4 * pi * pi), c = 5 / pi, t = 1 / (8 * pi);
  return std::pow(x1 - b * x0 * x0 + c * x0 - 6, 2) + 10 * (1 - t) * std::cos(x0) + 10;
}
double BraninFlops(const Params& p) {
  return 1e6 * (1 + (Num(p, "x0", 0) + 5) / 15 + Num(p, "x1", 0) / 15);
}

// Hartmann-6 on [0, 1]^6; minimum -3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652,
// 0.6573).
SearchSpace Hartmann6Space() {
  std::vector<Dimension> dims;
  for (int i = 0; i < 6; ++i) dims.push_back(Dimension::Real(fmt::format("x{}", i), 0, 1, 0.5));
  return SearchSpace(std::move(dims));
}
double Hartmann6(const Params& p) {
  static const double kAlpha[4] = {1.0, 1.2, 3.0, 3.2};
  static const double kA[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                  {0.05, 10, 17, 0.1, 8, 14},
                                  {3, 3.5, 1.7, 10, 17, 8},
                                  {17, 8, 0.05, 10, 0.1, 14}};
  static const double kP[4][6] = {{1312, 1696, 5569, 124, 8283, 5886},
                                  {2329, 4135, 8307, 3736, 1004, 9991},
                                  {2348, 1451, 3522, 2883, 3047, 6650},
                                  {4047, 8828, 8732, 5743, 1091, 381}};
  double total = 0;
  for (int i = 0; i < 4; ++i) {
    double inner = 0;
    for (int j = 0; j < 6; ++j) {
      double x = Num(p, fmt::format("x{}", j), 0.5);
      inner += kA[i][j] * std::pow(x - kP[i][j] * 1e-4, 2);
    }
    total += kAlpha[i] * std::exp(-inner);
  }
  return -total;
}
double Hartmann6Flops(const Params& p) { return 1e6 * (1 + Num(p, "x0", 0.5) + Num(p, "x1", 0.5)); }

// Mixed: n int 1..20, lr real log 1e-5..1e-1, opt {a, b, c}; minimum 0 at n=7, lr=1e-3, opt=b.
SearchSpace MixedSpace() {
  return SearchSpace({Dimension::Int("n", 1, 20, 15),
                      Dimension::Real("lr", 1e-5, 1e-1, 1e-2, Scale::kLog),
                      Dimension::Categorical("opt", {"a", "b", "c"}, "a")});
}
double Mixed(const Params& p) {
  const std::string opt = Label(p, "opt", "a");
  const double penalty = opt == "b" ? 0.0 : opt == "a" ? 1.0 : 2.0;
  return std::pow(Num(p, "n", 1) - 7, 2) / 10 + std::pow(std::log10(Num(p, "lr", 1e-3)) + 3, 2) +
         penalty;
}
double MixedFlops(const Params& p) { return 1e6 * Num(p, "n", 1); }

// CNN proxy over the template parameters: a bowl with its minimum 0 at conv_blocks 3,
// dense_layers 2, filters_0 48, filters_1 96, units_0 384, conv_dropout 0.2, dense_dropout 0.3,
// learning_rate 5e-4, batch_size 64, activation elu, optimizer adamax. Inside the seed-000 space
// (conv_blocks 2, dense_layers 1 fixed) the best reachable value is 0.1.
double CnnProxy(const Params& p) {
  double f = 0.05 * std::pow(TemplateNum(p, "conv_blocks") - 3, 2) +
             0.05 * std::pow(TemplateNum(p, "dense_layers") - 2, 2);
  f += std::pow(std::log2(TemplateNum(p, "filters_0") / 48), 2) +
       std::pow(std::log2(TemplateNum(p, "filters_1") / 96), 2);
  f += std::pow(std::log2(TemplateNum(p, "units_0") / 384), 2);
  f += std::pow((TemplateNum(p, "conv_dropout") - 0.2) / 0.5, 2) +
       std::pow((TemplateNum(p, "dense_dropout") - 0.3) / 0.5, 2);
  f += std::pow(std::log10(TemplateNum(p, "learning_rate") / 5e-4), 2) +
       std::pow(std::log2(TemplateNum(p, "batch_size") / 64) / 4, 2);
  f += TemplateLabel(p, "activation") == "elu" ? 0.0 : 0.2;
  f += TemplateLabel(p, "optimizer") == "adamax" ? 0.0 : 0.2;
  return f;
}

/// This counter's FLOPs convention: 2 x MACs of conv and dense layers, no bias adds, nothing for
/// pooling (cost.hpp's convention adds the biases).
double TemplateFlops(const LayerSpec& layer) {
  return layer.op == LayerOp::kConv2d || layer.op == LayerOp::kDense ? 2 * layer.macs : 0.0;
}

}  // namespace

double CnnTemplateFlops(const Params& p) {
  hw::LayerBuilder walk(1, 28, 28, &TemplateFlops);
  const auto blocks = static_cast<std::int64_t>(TemplateNum(p, "conv_blocks"));
  const auto convs = static_cast<int>(TemplateNum(p, "convs_per_block"));
  const auto kernel = static_cast<int>(TemplateNum(p, "kernel_size"));
  const bool pool = TemplateLabel(p, "pool") != "none";
  for (std::int64_t i = 0; i < blocks; ++i) {
    const auto filters = static_cast<int>(
        Num(p, fmt::format("filters_{}", i), static_cast<double>(CnnTemplateFilters(i))));
    for (int c = 0; c < convs; ++c) walk.Conv(fmt::format("block{}.conv{}", i, c), filters, kernel);
    if (!pool) continue;
    if (walk.height() < 2 || walk.width() < 2) {
      throw ArchError(
          fmt::format("the feature map shrinks below 1x1 after conv block {} (28x28 input "
                      "allows at most 4 pooling blocks); lower conv_blocks",
                      i));
    }
    walk.MaxPool(fmt::format("block{}.pool", i), 2, 2, /*same=*/false);
  }
  walk.Flatten("flatten");
  const auto dense = static_cast<std::int64_t>(TemplateNum(p, "dense_layers"));
  for (std::int64_t i = 0; i < dense; ++i) {
    walk.Dense(fmt::format("dense{}", i),
               static_cast<int>(Num(p, fmt::format("units_{}", i), kCnnTemplateUnits)));
  }
  walk.Dense("classifier", 10);
  double flops = 0;
  for (const LayerSpec& layer : walk.layers()) flops += layer.flops;
  return flops;
}

const std::vector<SyntheticFunction>& SyntheticFunctions() {
  static const std::vector<SyntheticFunction> kFunctions = {
      {"branin", "Branin-Hoo, 2 reals, min 0.397887 (three optima)", 0.397887, &BraninSpace,
       &Branin, &BraninFlops},
      {"hartmann6", "Hartmann 6-D on [0,1]^6, min -3.32237", -3.32237, &Hartmann6Space, &Hartmann6,
       &Hartmann6Flops},
      {"mixed", "int n 1..20, log-real lr, categorical opt; min 0 at n=7, lr=1e-3, opt=b", 0.0,
       &MixedSpace, &Mixed, &MixedFlops},
      {"cnn_proxy",
       "bowl over the CNN template parameters (seed-000 space) with template FLOPs; global "
       "min 0, 0.1 inside the seed-000 space",
       0.0, &Seed000Space, &CnnProxy, &CnnTemplateFlops},
  };
  return kFunctions;
}

const SyntheticFunction& FindSyntheticFunction(const std::string& name) {
  return FindByName(SyntheticFunctions(), "synthetic function", name);
}

const std::vector<OptionSpec>& SyntheticOptionSpecs() {
  static const SyntheticOptions kDefaults;
  static const std::vector<OptionSpec> kSpecs = {
      {"function", kDefaults.function, "the test function (branin, hartmann6, mixed, cnn_proxy)"},
      {"noise", kDefaults.noise, "std-dev of Gaussian noise added to the value (seeded)"},
      {"sleep_ms", kDefaults.sleep_ms, "real time spent per evaluation (crash tests)"},
      {"fail_above_flops", kDefaults.fail_above_flops,
       "> 0: candidates above this FLOPs fail (kFailed), for tests"},
      {"fail_param", kDefaults.fail_param,
       "candidates whose parameter named here equals fail_value are invalid (ArchError)"},
      {"fail_value", kDefaults.fail_value,
       "the value of fail_param that makes a candidate invalid"},
  };
  return kSpecs;
}

SyntheticOptions SyntheticOptions::FromJson(const nlohmann::json& j) {
  const nlohmann::json o =
      ResolveOptions({"evaluator", "synthetic", ""}, SyntheticOptionSpecs(), j, "kind");
  SyntheticOptions options;
  options.function = o["function"].get<std::string>();
  options.noise = o["noise"].get<double>();
  options.sleep_ms = o["sleep_ms"].get<double>();
  options.fail_above_flops = o["fail_above_flops"].get<double>();
  options.fail_param = o["fail_param"].get<std::string>();
  options.fail_value = o["fail_value"].get<double>();
  FindSyntheticFunction(options.function);
  return options;
}

SyntheticEvaluator::SyntheticEvaluator(SyntheticOptions options)
    : options_(std::move(options)), function_(FindSyntheticFunction(options_.function)) {}

SyntheticEvaluator::SyntheticEvaluator(const std::string& function)
    : SyntheticEvaluator(SyntheticOptions::FromJson({{"function", function}})) {}

std::map<std::string, double> SyntheticEvaluator::EstimateCosts(const Params& params) {
  if (!options_.fail_param.empty()) {
    auto it = params.find(options_.fail_param);
    if (it != params.end() && it->second.index() != 2 &&
        AsDouble(it->second) == options_.fail_value) {
      throw ArchError(fmt::format("invalid candidate: {} = {} (synthetic failure)",
                                  options_.fail_param, ValueToString(it->second)));
    }
  }
  const double flops = function_.flops(params);
  return {{"flops", flops}, {"params", flops / 2}};
}

EvalResult SyntheticEvaluator::Evaluate(const Params& params, std::uint64_t seed) {
  EvalResult r;
  auto costs = EstimateCosts(params);
  if (options_.sleep_ms > 0) {
    std::this_thread::sleep_for(
        std::chrono::microseconds(static_cast<long long>(options_.sleep_ms * 1000)));
  }
  r.metrics = costs;
  if (options_.fail_above_flops > 0 && costs["flops"] > options_.fail_above_flops) {
    r.status = TrialStatus::kFailed;
    r.error = fmt::format("out of memory (simulated): flops {:.4g} > {:.4g}", costs["flops"],
                          options_.fail_above_flops);
    return r;
  }
  double value = function_.value(params);
  if (options_.noise > 0) {
    std::mt19937_64 rng(seed);
    value += std::normal_distribution<double>(0.0, options_.noise)(rng);
  }
  r.metrics["value"] = value;
  r.accuracy = 1.0 / (1.0 + std::max(0.0, value - function_.minimum));
  r.curves.val_acc = {0.6 * r.accuracy, 0.85 * r.accuracy, r.accuracy};
  r.curves.train_acc = {0.65 * r.accuracy, 0.9 * r.accuracy, std::min(1.0, 1.05 * r.accuracy)};
  r.curves.val_loss = {1.6 - r.accuracy, 1.3 - r.accuracy, 1.1 - r.accuracy};
  r.curves.train_loss = {1.5 - r.accuracy, 1.2 - r.accuracy, 1.0 - r.accuracy};
  r.wall_seconds = options_.sleep_ms / 1000.0;
  r.details = {{"function", function_.name}};
  return r;
}

}  // namespace symnas::search
