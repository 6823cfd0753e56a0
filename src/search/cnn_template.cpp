// The CNN template's table of parameters and defaults (docs/nn.md, "The CNN template").
#include "symnas/search/cnn_template.hpp"

#include <cctype>
#include <stdexcept>

namespace symnas::search {

const std::vector<CnnTemplateParam>& CnnTemplateParams() {
  static const std::vector<CnnTemplateParam> kParams = {
      {"conv_blocks", std::int64_t{2}, "number of convolution blocks"},
      {"convs_per_block", std::int64_t{2}, "convolutions per block"},
      {"kernel_size", std::int64_t{3}, "square kernel of every conv (same padding)"},
      {"activation", std::string("relu"), "activation after every conv and dense layer"},
      {"batch_norm", std::int64_t{0}, "batch norm after every conv (0/1)"},
      {"pool", std::string("max"), "pooling at the end of each block (max, avg, none)"},
      {"conv_dropout", 0.25, "dropout at the end of each conv block"},
      {"dense_layers", std::int64_t{1}, "hidden dense layers before the classifier"},
      {"dense_dropout", 0.5, "dropout after each hidden dense layer"},
      {"optimizer", std::string("adam"), "optimiser"},
      {"learning_rate", 1e-3, "initial learning rate"},
      {"batch_size", std::int64_t{64}, "mini-batch size"},
      {"weight_decay", 0.0, "L2 penalty"},
      {"augment", std::int64_t{0}, "random shifts of 10% (+ flips if the dataset allows; 0/1)"},
      {"epochs", std::int64_t{10}, "maximum epochs (early stopping may end sooner)"},
  };
  return kParams;
}

std::int64_t CnnTemplateFilters(std::int64_t block) {
  return block == 0 ? 32 : block == 1 ? 64 : 128;
}

std::optional<int> CnnLayerIndex(const std::string& name, const std::string& prefix) {
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

std::optional<Value> CnnTemplateDefault(const std::string& name) {
  for (const auto& param : CnnTemplateParams()) {
    if (name == param.name) return param.default_value;
  }
  if (auto block = CnnLayerIndex(name, "filters_")) return Value{CnnTemplateFilters(*block)};
  if (CnnLayerIndex(name, "units_")) return Value{kCnnTemplateUnits};
  return std::nullopt;
}

std::int64_t CnnTemplateInt(const std::string& name) {
  const std::optional<Value> value = CnnTemplateDefault(name);
  if (!value || !std::holds_alternative<std::int64_t>(*value)) {
    throw std::logic_error("the CNN template has no integer parameter '" + name + "'");
  }
  return std::get<std::int64_t>(*value);
}

}  // namespace symnas::search
