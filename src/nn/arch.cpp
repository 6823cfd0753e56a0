// Arch: name tables, defaults, validation and JSON (de)serialisation. Takes JSON or values,
// produces a validated Arch or an ArchError naming the wrong field.
#include "symnas/nn/arch.hpp"

#include <fmt/core.h>

#include <array>
#include <cmath>
#include <fstream>
#include <set>

#include "symnas/common/error.hpp"

namespace symnas::nn {
namespace {

template <typename Enum, std::size_t N>
Enum FromName(const std::array<std::pair<const char*, Enum>, N>& table, const std::string& name,
              const std::string& field, const char* kind) {
  std::string valid;
  for (const auto& [n, e] : table) {
    if (name == n) return e;
    valid += valid.empty() ? n : std::string(", ") + n;
  }
  throw ArchError(fmt::format("{}: unknown {} '{}'; valid names: {}", field, kind, name, valid));
}

constexpr std::array<std::pair<const char*, Activation>, 4> kActivations = {{
    {"relu", Activation::kRelu},
    {"elu", Activation::kElu},
    {"selu", Activation::kSelu},
    {"swish", Activation::kSwish},
}};
constexpr std::array<std::pair<const char*, PoolKind>, 3> kPools = {{
    {"max", PoolKind::kMax},
    {"avg", PoolKind::kAvg},
    {"none", PoolKind::kNone},
}};
constexpr std::array<std::pair<const char*, OptimizerKind>, 6> kOptimizers = {{
    {"adam", OptimizerKind::kAdam},
    {"adamax", OptimizerKind::kAdamax},
    {"adagrad", OptimizerKind::kAdagrad},
    {"adadelta", OptimizerKind::kAdadelta},
    {"rmsprop", OptimizerKind::kRmsprop},
    {"sgd", OptimizerKind::kSgd},
}};

template <typename Enum, std::size_t N>
const char* NameOf(const std::array<std::pair<const char*, Enum>, N>& table, Enum e) {
  for (const auto& [n, v] : table) {
    if (v == e) return n;
  }
  return "?";
}

void Require(bool ok, const std::string& field, const std::string& problem) {
  if (!ok) throw ArchError(fmt::format("{}: {}", field, problem));
}

// Reads one JSON object field by field, checking types, then rejects keys it never asked for.
class ObjectReader {
 public:
  ObjectReader(const nlohmann::json& json, std::string path) : json_(json), path_(std::move(path)) {
    Require(json_.is_object(), Where(), "expected a JSON object");
  }
  int Int(const char* key, int fallback) {
    const auto* v = Find(key);
    if (v == nullptr) return fallback;
    Require(v->is_number_integer(), Field(key), "expected an integer");
    const auto value = v->get<std::int64_t>();
    Require(value >= -1000000000 && value <= 1000000000, Field(key), "integer out of range");
    return static_cast<int>(value);
  }
  double Real(const char* key, double fallback) {
    const auto* v = Find(key);
    if (v == nullptr) return fallback;
    Require(v->is_number(), Field(key), "expected a number");
    return v->get<double>();
  }
  bool Bool(const char* key, bool fallback) {
    const auto* v = Find(key);
    if (v == nullptr) return fallback;
    if (v->is_number_integer() && (v->get<int>() == 0 || v->get<int>() == 1)) {
      return v->get<int>() == 1;
    }
    Require(v->is_boolean(), Field(key), "expected true/false");
    return v->get<bool>();
  }
  std::string Str(const char* key, const std::string& fallback) {
    const auto* v = Find(key);
    if (v == nullptr) return fallback;
    Require(v->is_string(), Field(key), "expected a string");
    return v->get<std::string>();
  }
  const nlohmann::json* Array(const char* key) {
    const auto* v = Find(key);
    if (v != nullptr) Require(v->is_array(), Field(key), "expected an array");
    return v;
  }
  const nlohmann::json* Object(const char* key) { return Find(key); }
  std::string Field(const char* key) const { return path_.empty() ? key : path_ + "." + key; }
  /// Throws for any key that was not read: catches typos such as "filter" for "filters".
  void RejectUnknown() const {
    for (const auto& [key, value] : json_.items()) {
      Require(seen_.count(key) > 0, Field(key.c_str()), "unknown field");
    }
  }

 private:
  const nlohmann::json* Find(const char* key) {
    seen_.insert(key);
    auto it = json_.find(key);
    return it == json_.end() ? nullptr : &*it;
  }
  std::string Where() const { return path_.empty() ? "architecture" : path_; }
  const nlohmann::json& json_;
  std::string path_;
  std::set<std::string> seen_;
};

ConvBlock BlockFromJson(const nlohmann::json& json, const std::string& path) {
  ObjectReader r(json, path);
  ConvBlock b;
  b.filters = r.Int("filters", b.filters);
  b.kernel_size = r.Int("kernel_size", b.kernel_size);
  b.convs = r.Int("convs", b.convs);
  b.activation = ActivationFromName(r.Str("activation", "relu"), r.Field("activation"));
  b.batch_norm = r.Bool("batch_norm", b.batch_norm);
  b.pool = PoolKindFromName(r.Str("pool", "max"), r.Field("pool"));
  b.dropout = r.Real("dropout", b.dropout);
  r.RejectUnknown();
  return b;
}

DenseLayer DenseFromJson(const nlohmann::json& json, const std::string& path) {
  ObjectReader r(json, path);
  DenseLayer d;
  d.units = r.Int("units", d.units);
  d.activation = ActivationFromName(r.Str("activation", "relu"), r.Field("activation"));
  d.dropout = r.Real("dropout", d.dropout);
  r.RejectUnknown();
  return d;
}

TrainHyper TrainFromJson(const nlohmann::json& json) {
  ObjectReader r(json, "training");
  TrainHyper t;
  t.optimizer = OptimizerFromName(r.Str("optimizer", "adam"), r.Field("optimizer"));
  t.learning_rate = r.Real("learning_rate", t.learning_rate);
  t.batch_size = r.Int("batch_size", t.batch_size);
  t.epochs = r.Int("epochs", t.epochs);
  t.weight_decay = r.Real("weight_decay", t.weight_decay);
  t.augment = r.Bool("augment", t.augment);
  t.early_stopping_patience = r.Int("early_stopping_patience", t.early_stopping_patience);
  t.reduce_lr_patience = r.Int("reduce_lr_patience", t.reduce_lr_patience);
  t.reduce_lr_factor = r.Real("reduce_lr_factor", t.reduce_lr_factor);
  t.min_learning_rate = r.Real("min_learning_rate", t.min_learning_rate);
  t.momentum = r.Real("momentum", t.momentum);
  r.RejectUnknown();
  return t;
}

void ValidateTrain(const TrainHyper& t) {
  Require(std::isfinite(t.learning_rate) && t.learning_rate > 0, "training.learning_rate",
          "must be > 0");
  Require(t.batch_size >= 1, "training.batch_size", "must be >= 1");
  Require(t.epochs >= 1, "training.epochs", "must be >= 1");
  Require(std::isfinite(t.weight_decay) && t.weight_decay >= 0, "training.weight_decay",
          "must be >= 0");
  Require(t.early_stopping_patience >= 0, "training.early_stopping_patience",
          "must be >= 0 (0 = off)");
  Require(t.reduce_lr_patience >= 0, "training.reduce_lr_patience", "must be >= 0 (0 = off)");
  Require(t.reduce_lr_factor > 0 && t.reduce_lr_factor < 1, "training.reduce_lr_factor",
          "must be in (0, 1)");
  Require(t.min_learning_rate >= 0, "training.min_learning_rate", "must be >= 0");
  Require(t.momentum >= 0 && t.momentum < 1, "training.momentum", "must be in [0, 1)");
}

}  // namespace

const char* ActivationName(Activation a) { return NameOf(kActivations, a); }
const char* PoolKindName(PoolKind p) { return NameOf(kPools, p); }
const char* OptimizerName(OptimizerKind o) { return NameOf(kOptimizers, o); }
Activation ActivationFromName(const std::string& name, const std::string& field) {
  return FromName(kActivations, name, field, "activation");
}
PoolKind PoolKindFromName(const std::string& name, const std::string& field) {
  return FromName(kPools, name, field, "pooling");
}
OptimizerKind OptimizerFromName(const std::string& name, const std::string& field) {
  return FromName(kOptimizers, name, field, "optimizer");
}

Arch DefaultArch(const InputShape& input, int classes) {
  Arch arch;
  arch.input = input;
  arch.classes = classes;
  arch.blocks.resize(2);
  arch.blocks[0].filters = 32;
  arch.blocks[1].filters = 64;
  arch.dense.resize(1);
  return arch;
}

void Validate(const Arch& arch) {
  Require(arch.input.channels >= 1, "input.channels", "must be >= 1");
  Require(arch.input.height >= 1, "input.height", "must be >= 1");
  Require(arch.input.width >= 1, "input.width", "must be >= 1");
  Require(arch.classes >= 2, "classes", "must be >= 2");
  int h = arch.input.height;
  int w = arch.input.width;
  for (std::size_t i = 0; i < arch.blocks.size(); ++i) {
    const ConvBlock& b = arch.blocks[i];
    const std::string at = fmt::format("blocks[{}]", i);
    Require(b.filters >= 1, at + ".filters", fmt::format("must be >= 1, got {}", b.filters));
    Require(b.kernel_size >= 1 && b.kernel_size % 2 == 1, at + ".kernel_size",
            fmt::format("must be odd and >= 1 (same padding), got {}", b.kernel_size));
    Require(b.convs >= 1, at + ".convs", fmt::format("must be >= 1, got {}", b.convs));
    Require(b.dropout >= 0 && b.dropout < 1, at + ".dropout",
            fmt::format("must be in [0, 1), got {}", b.dropout));
    if (b.pool != PoolKind::kNone) {
      Require(h >= 2 && w >= 2, at + ".pool",
              fmt::format("2x2 pooling of a {}x{} map would shrink it below 1x1; remove the "
                          "block or set pool to none",
                          h, w));
      h /= 2;
      w /= 2;
    }
  }
  for (std::size_t i = 0; i < arch.dense.size(); ++i) {
    const DenseLayer& d = arch.dense[i];
    const std::string at = fmt::format("dense[{}]", i);
    Require(d.units >= 1, at + ".units", fmt::format("must be >= 1, got {}", d.units));
    Require(d.dropout >= 0 && d.dropout < 1, at + ".dropout",
            fmt::format("must be in [0, 1), got {}", d.dropout));
  }
  ValidateTrain(arch.train);
}

nlohmann::json ArchToJson(const Arch& arch) {
  nlohmann::json j;
  j["input"] = {{"channels", arch.input.channels},
                {"height", arch.input.height},
                {"width", arch.input.width}};
  j["classes"] = arch.classes;
  j["blocks"] = nlohmann::json::array();
  for (const ConvBlock& b : arch.blocks) {
    j["blocks"].push_back({{"filters", b.filters},
                           {"kernel_size", b.kernel_size},
                           {"convs", b.convs},
                           {"activation", ActivationName(b.activation)},
                           {"batch_norm", b.batch_norm},
                           {"pool", PoolKindName(b.pool)},
                           {"dropout", b.dropout}});
  }
  j["dense"] = nlohmann::json::array();
  for (const DenseLayer& d : arch.dense) {
    j["dense"].push_back(
        {{"units", d.units}, {"activation", ActivationName(d.activation)}, {"dropout", d.dropout}});
  }
  const TrainHyper& t = arch.train;
  j["training"] = {{"optimizer", OptimizerName(t.optimizer)},
                   {"learning_rate", t.learning_rate},
                   {"batch_size", t.batch_size},
                   {"epochs", t.epochs},
                   {"weight_decay", t.weight_decay},
                   {"augment", t.augment},
                   {"early_stopping_patience", t.early_stopping_patience},
                   {"reduce_lr_patience", t.reduce_lr_patience},
                   {"reduce_lr_factor", t.reduce_lr_factor},
                   {"min_learning_rate", t.min_learning_rate},
                   {"momentum", t.momentum}};
  return j;
}

Arch ArchFromJson(const nlohmann::json& json) {
  ObjectReader r(json, "");
  Arch arch;
  if (const auto* in = r.Object("input")) {
    ObjectReader ri(*in, "input");
    arch.input.channels = ri.Int("channels", arch.input.channels);
    arch.input.height = ri.Int("height", arch.input.height);
    arch.input.width = ri.Int("width", arch.input.width);
    ri.RejectUnknown();
  }
  arch.classes = r.Int("classes", arch.classes);
  if (const auto* blocks = r.Array("blocks")) {
    for (std::size_t i = 0; i < blocks->size(); ++i) {
      arch.blocks.push_back(BlockFromJson((*blocks)[i], fmt::format("blocks[{}]", i)));
    }
  }
  if (const auto* dense = r.Array("dense")) {
    for (std::size_t i = 0; i < dense->size(); ++i) {
      arch.dense.push_back(DenseFromJson((*dense)[i], fmt::format("dense[{}]", i)));
    }
  }
  if (const auto* train = r.Object("training")) arch.train = TrainFromJson(*train);
  r.RejectUnknown();
  Validate(arch);
  return arch;
}

Arch LoadArchFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw ArchError(fmt::format("cannot open architecture file '{}'", path), {path, 0, 0});
  }
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw ArchError(fmt::format("invalid JSON in '{}': {}", path, e.what()), {path, 0, 0});
  }
  try {
    return ArchFromJson(json);
  } catch (const ArchError& e) {
    throw ArchError(e.message(), {path, 0, 0});
  }
}

}  // namespace symnas::nn
