// ArchFromParams: search::Params with the canonical names of docs/nn.md ("The CNN template",
// shared with the search core and the tuner) -> a validated Arch. Unknown names -> ConfigError.
#include <fmt/core.h>

#include <optional>

#include "symnas/common/error.hpp"
#include "symnas/nn/arch.hpp"
#include "symnas/search/cnn_template.hpp"

namespace symnas::nn {
namespace {

void CheckKnown(const std::string& name) {
  if (search::CnnTemplateDefault(name)) return;
  std::string valid;
  for (const auto& param : search::CnnTemplateParams()) valid += std::string(param.name) + ", ";
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
  /// The value of `name`, or the template default (docs/nn.md) when absent.
  int Int(const std::string& name) const {
    return Int(name, static_cast<int>(search::CnnTemplateInt(name)));
  }
  double Real(const std::string& name) const {
    return Real(name, search::AsDouble(*search::CnnTemplateDefault(name)));
  }
  bool Flag(const std::string& name) const { return Flag(name, search::CnnTemplateInt(name) == 1); }
  std::string Str(const std::string& name) const {
    return Str(name, search::AsString(*search::CnnTemplateDefault(name)));
  }
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

}  // namespace

Arch ArchFromParams(const search::Params& params, const InputShape& input, int classes) {
  for (const auto& [name, value] : params) CheckKnown(name);
  const ParamReader p(params);
  Arch arch;
  arch.input = input;
  arch.classes = classes;
  const int conv_blocks = p.Int("conv_blocks");
  const int dense_layers = p.Int("dense_layers");
  if (conv_blocks < 0)
    throw ArchError(fmt::format("conv_blocks: must be >= 0, got {}", conv_blocks));
  if (dense_layers < 0) {
    throw ArchError(fmt::format("dense_layers: must be >= 0, got {}", dense_layers));
  }
  const Activation activation = ActivationFromName(p.Str("activation"), "activation");
  for (int i = 0; i < conv_blocks; ++i) {
    ConvBlock b;
    b.filters = p.Int(fmt::format("filters_{}", i));
    b.kernel_size = p.Int("kernel_size");
    b.convs = p.Int("convs_per_block");
    b.activation = activation;
    b.batch_norm = p.Flag("batch_norm");
    b.pool = PoolKindFromName(p.Str("pool"), "pool");
    b.dropout = p.Real("conv_dropout");
    arch.blocks.push_back(b);
  }
  for (int i = 0; i < dense_layers; ++i) {
    DenseLayer d;
    d.units = p.Int(fmt::format("units_{}", i));
    d.activation = activation;
    d.dropout = p.Real("dense_dropout");
    arch.dense.push_back(d);
  }
  TrainHyper& t = arch.train;
  t.optimizer = OptimizerFromName(p.Str("optimizer"), "optimizer");
  t.learning_rate = p.Real("learning_rate");
  t.batch_size = p.Int("batch_size");
  t.weight_decay = p.Real("weight_decay");
  t.augment = p.Flag("augment");
  t.epochs = p.Int("epochs");
  Validate(arch);
  return arch;
}

}  // namespace symnas::nn
