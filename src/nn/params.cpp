// ArchFromParams: search::Params with the canonical names of docs/nn.md (PARAMS table, shared
// with the search core and the tuner) -> a validated Arch. Unknown names -> ConfigError.
#include <fmt/core.h>

#include <cctype>
#include <optional>

#include "symnas/common/error.hpp"
#include "symnas/nn/arch.hpp"

namespace symnas::nn {
namespace {

// Plain (non-indexed) names of the table, for the "valid names" list of an error message.
constexpr const char* kPlainNames[] = {
    "conv_blocks",   "convs_per_block", "kernel_size",  "activation",    "batch_norm",
    "pool",          "conv_dropout",    "dense_layers", "dense_dropout", "optimizer",
    "learning_rate", "batch_size",      "weight_decay", "augment",       "epochs"};

// "filters_3" with prefix "filters_" -> 3; anything else -> nullopt.
std::optional<int> IndexSuffix(const std::string& name, const std::string& prefix) {
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) {
    return std::nullopt;
  }
  const std::string digits = name.substr(prefix.size());
  if (digits.size() > 4) return std::nullopt;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return std::stoi(digits);
}

void CheckKnown(const std::string& name) {
  for (const char* plain : kPlainNames) {
    if (name == plain) return;
  }
  if (IndexSuffix(name, "filters_") || IndexSuffix(name, "units_")) return;
  std::string valid;
  for (const char* plain : kPlainNames) valid += std::string(plain) + ", ";
  throw ConfigError(
      fmt::format("unknown CNN template parameter '{}'; valid names: {}filters_<i>, "
                  "units_<i> (see docs/nn.md)",
                  name, valid));
}

// Runs a typed look-up; a value of the wrong kind becomes a ConfigError naming the parameter.
template <typename F>
auto Wrap(const std::string& name, F f) {
  try {
    return f();
  } catch (const Error& e) {
    throw ConfigError(fmt::format("parameter '{}': {}", name, e.message()));
  }
}

// Typed look-ups: a value of the wrong kind is a ConfigError naming the parameter.
class ParamReader {
 public:
  explicit ParamReader(const search::Params& params) : params_(params) {}
  int Int(const std::string& name, int fallback) const {
    auto it = params_.find(name);
    if (it == params_.end()) return fallback;
    const std::int64_t v = Wrap(name, [&] { return search::AsInt(it->second); });
    if (v < -1000000000 || v > 1000000000) {
      throw ConfigError(fmt::format("parameter '{}': {} is out of range", name, v));
    }
    return static_cast<int>(v);
  }
  double Real(const std::string& name, double fallback) const {
    auto it = params_.find(name);
    if (it == params_.end()) return fallback;
    return Wrap(name, [&] { return search::AsDouble(it->second); });
  }
  bool Flag(const std::string& name, bool fallback) const {
    const int v = Int(name, fallback ? 1 : 0);
    if (v != 0 && v != 1) throw ConfigError(fmt::format("parameter '{}' must be 0 or 1", name));
    return v == 1;
  }
  std::string Str(const std::string& name, const std::string& fallback) const {
    auto it = params_.find(name);
    if (it == params_.end()) return fallback;
    return Wrap(name, [&] { return search::AsString(it->second); });
  }

 private:
  const search::Params& params_;
};

int DefaultFilters(int block) { return block == 0 ? 32 : block == 1 ? 64 : 128; }

}  // namespace

Arch ArchFromParams(const search::Params& params, const InputShape& input, int classes) {
  for (const auto& [name, value] : params) CheckKnown(name);
  const ParamReader p(params);
  Arch arch;
  arch.input = input;
  arch.classes = classes;
  const int conv_blocks = p.Int("conv_blocks", 2);
  const int dense_layers = p.Int("dense_layers", 1);
  if (conv_blocks < 0)
    throw ArchError(fmt::format("conv_blocks: must be >= 0, got {}", conv_blocks));
  if (dense_layers < 0) {
    throw ArchError(fmt::format("dense_layers: must be >= 0, got {}", dense_layers));
  }
  const Activation activation = ActivationFromName(p.Str("activation", "relu"), "activation");
  for (int i = 0; i < conv_blocks; ++i) {
    ConvBlock b;
    b.filters = p.Int(fmt::format("filters_{}", i), DefaultFilters(i));
    b.kernel_size = p.Int("kernel_size", 3);
    b.convs = p.Int("convs_per_block", 2);
    b.activation = activation;
    b.batch_norm = p.Flag("batch_norm", false);
    b.pool = PoolKindFromName(p.Str("pool", "max"), "pool");
    b.dropout = p.Real("conv_dropout", 0.25);
    arch.blocks.push_back(b);
  }
  for (int i = 0; i < dense_layers; ++i) {
    DenseLayer d;
    d.units = p.Int(fmt::format("units_{}", i), 256);
    d.activation = activation;
    d.dropout = p.Real("dense_dropout", 0.5);
    arch.dense.push_back(d);
  }
  TrainHyper& t = arch.train;
  t.optimizer = OptimizerFromName(p.Str("optimizer", "adam"), "optimizer");
  t.learning_rate = p.Real("learning_rate", t.learning_rate);
  t.batch_size = p.Int("batch_size", t.batch_size);
  t.weight_decay = p.Real("weight_decay", t.weight_decay);
  t.augment = p.Flag("augment", t.augment);
  t.epochs = p.Int("epochs", t.epochs);
  Validate(arch);
  return arch;
}

}  // namespace symnas::nn
