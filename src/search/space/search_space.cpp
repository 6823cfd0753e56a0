// SearchSpace: validation, edits, sampling, projection of old candidates, unit-cube encoding.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "symnas/common/error.hpp"
#include "symnas/search/cnn_template.hpp"
#include "symnas/search/space.hpp"

namespace symnas::search {

namespace {

/// `value` converted to the dimension's kind (int rounds, real widens); labels stay labels.
Value Coerce(const Dimension& d, const Value& value) {
  if (std::holds_alternative<std::string>(value)) return value;
  if (d.kind == DimKind::kInt) return AsInt(value);
  if (d.kind == DimKind::kReal) return AsDouble(value);
  return ValueToString(value);
}

void CheckDimension(Dimension& d) {
  auto fail = [&](const std::string& why) {
    throw ConfigError(fmt::format("dimension '{}': {}", d.name, why));
  };
  if (d.name.empty()) throw ConfigError("a dimension has an empty name");
  if (d.kind == DimKind::kCategorical) {
    if (d.choices.empty()) fail("a categorical dimension needs at least one choice");
    std::set<std::string> seen(d.choices.begin(), d.choices.end());
    if (seen.size() != d.choices.size()) fail("choices must be unique");
  } else {
    if (!std::isfinite(d.low) || !std::isfinite(d.high)) fail("bounds must be finite");
    if (d.low > d.high) fail(fmt::format("low {:.6g} > high {:.6g}", d.low, d.high));
    if (d.scale == Scale::kLog && d.low <= 0) fail("a log-scale dimension needs low > 0");
    if (d.kind == DimKind::kInt && (d.low != std::floor(d.low) || d.high != std::floor(d.high))) {
      fail("integer bounds must be integers");
    }
  }
  d.default_value = Coerce(d, d.default_value);
  if (d.past_value) d.past_value = Coerce(d, *d.past_value);
  if (!d.fixed && !d.Contains(d.default_value)) {
    fail(fmt::format("default {} is outside {}", ValueToString(d.default_value), d.DomainString()));
  }
}

double Clamp(double v, double lo, double hi) { return std::max(lo, std::min(hi, v)); }

/// Unit coordinate of numeric value v in d (may lie outside [0, 1] for out-of-range values).
double ToUnit(const Dimension& d, double v) {
  if (d.high == d.low) return 0.5;
  if (d.scale == Scale::kLog) {
    if (v <= 0) return -1.0;
    return (std::log(v) - std::log(d.low)) / (std::log(d.high) - std::log(d.low));
  }
  return (v - d.low) / (d.high - d.low);
}

double FromUnit(const Dimension& d, double u) {
  u = Clamp(u, 0.0, 1.0);
  double v = d.scale == Scale::kLog
                 ? std::exp(std::log(d.low) + u * (std::log(d.high) - std::log(d.low)))
                 : d.low + u * (d.high - d.low);
  return Clamp(v, d.low, d.high);
}

}  // namespace

SearchSpace::SearchSpace(std::vector<Dimension> dimensions) : dimensions_(std::move(dimensions)) {
  std::set<std::string> names;
  for (auto& d : dimensions_) {
    CheckDimension(d);
    if (!names.insert(d.name).second)
      throw ConfigError("dimension '" + d.name + "' declared twice");
  }
}

const Dimension* SearchSpace::Find(const std::string& name) const {
  for (const auto& d : dimensions_) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

const Dimension& SearchSpace::At(const std::string& name) const {
  if (const Dimension* d = Find(name)) return *d;
  std::string valid;
  for (const auto& d : dimensions_) valid += (valid.empty() ? "" : ", ") + d.name;
  throw ConfigError(
      fmt::format("no dimension '{}' in the search space (dimensions: {})", name, valid));
}

std::vector<std::string> SearchSpace::FreeNames() const {
  std::vector<std::string> out;
  for (const auto& d : dimensions_) {
    if (!d.fixed) out.push_back(d.name);
  }
  return out;
}

void SearchSpace::Apply(const SpaceEdit& edit) {
  std::vector<Dimension> dims = dimensions_;
  auto it =
      std::find_if(dims.begin(), dims.end(), [&](const auto& d) { return d.name == edit.name; });
  auto fail = [&](const std::string& why) {
    throw ConfigError(fmt::format("cannot apply '{}': {}", edit.ToString(), why));
  };
  if (edit.kind != SpaceEditKind::kAddDimension && it == dims.end()) {
    fail("no such dimension");
  }
  switch (edit.kind) {
    case SpaceEditKind::kShrinkBounds:
    case SpaceEditKind::kExpandBounds:
    case SpaceEditKind::kShiftBounds: {
      if (it->kind == DimKind::kCategorical) fail("a categorical dimension has no bounds");
      bool ok = edit.kind == SpaceEditKind::kShrinkBounds
                    ? edit.low >= it->low && edit.high <= it->high
                : edit.kind == SpaceEditKind::kExpandBounds
                    ? edit.low <= it->low && edit.high >= it->high
                    : (edit.low - it->low) * (edit.high - it->high) >= 0;
      if (!ok) fail(fmt::format("old bounds are [{:.6g}, {:.6g}]", it->low, it->high));
      it->low = edit.low;
      it->high = edit.high;
      if (!it->fixed && it->default_value.index() != 2) {
        double v = Clamp(AsDouble(it->default_value), edit.low, edit.high);
        it->default_value = it->kind == DimKind::kInt ? Value{std::llround(v)} : Value{v};
      }
      break;
    }
    case SpaceEditKind::kSetChoices: {
      if (it->kind != DimKind::kCategorical) fail("only a categorical dimension has choices");
      it->choices = edit.choices;
      if (std::find(edit.choices.begin(), edit.choices.end(), AsString(it->default_value)) ==
              edit.choices.end() &&
          !edit.choices.empty()) {
        it->default_value = edit.choices.front();
      }
      break;
    }
    case SpaceEditKind::kAddDimension: {
      if (it != dims.end()) fail("the dimension already exists");
      if (!edit.dimension || !edit.value) fail("an add edit needs a dimension and a past value");
      Dimension d = *edit.dimension;
      d.past_value = edit.value;
      dims.push_back(std::move(d));
      break;
    }
    case SpaceEditKind::kRemoveDimension:
      dims.erase(it);
      break;
    case SpaceEditKind::kFixValue: {
      if (!edit.value) fail("a fix edit needs a value");
      Value v = Coerce(*it, *edit.value);
      if (it->kind == DimKind::kCategorical) {
        if (v.index() != 2) fail("a categorical dimension must be fixed to a label");
        if (std::find(it->choices.begin(), it->choices.end(), AsString(v)) == it->choices.end()) {
          it->choices.push_back(AsString(v));
        }
      } else {
        if (v.index() == 2) fail("a numeric dimension cannot be fixed to a label");
        it->low = std::min(it->low, AsDouble(v));
        it->high = std::max(it->high, AsDouble(v));
      }
      it->default_value = v;
      it->fixed = true;
      break;
    }
    case SpaceEditKind::kUnfix:
      it->fixed = false;
      break;
  }
  SearchSpace next(std::move(dims));  // validates
  dimensions_ = std::move(next.dimensions_);
  history_.push_back(edit);
}

Params SearchSpace::Defaults() const {
  Params p;
  for (const auto& d : dimensions_) p[d.name] = d.default_value;
  return p;
}

Params SearchSpace::Sample(std::mt19937_64& rng) const {
  Params p;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (const auto& d : dimensions_) {
    if (d.fixed) {
      p[d.name] = d.default_value;
    } else if (d.kind == DimKind::kCategorical) {
      p[d.name] =
          d.choices[std::uniform_int_distribution<std::size_t>(0, d.choices.size() - 1)(rng)];
    } else if (d.kind == DimKind::kInt && d.scale == Scale::kLinear) {
      p[d.name] = std::uniform_int_distribution<std::int64_t>(
          static_cast<std::int64_t>(d.low), static_cast<std::int64_t>(d.high))(rng);
    } else if (d.kind == DimKind::kInt) {
      double lo = std::log(d.low - 0.499), hi = std::log(d.high + 0.499);
      double v = std::exp(lo + unit(rng) * (hi - lo));
      p[d.name] = static_cast<std::int64_t>(Clamp(std::llround(v), d.low, d.high));
    } else {
      p[d.name] = FromUnit(d, unit(rng));
    }
  }
  return p;
}

Params SearchSpace::Project(const Params& params) const {
  Params p;
  for (const auto& d : dimensions_) {
    if (d.fixed) {
      p[d.name] = d.default_value;
      continue;
    }
    auto found = params.find(d.name);
    Value v = found != params.end() ? found->second : d.past_value.value_or(d.default_value);
    v = Coerce(d, v);
    if (d.kind == DimKind::kCategorical) {
      if (!d.Contains(v)) v = d.default_value;
    } else if (v.index() == 2) {
      v = d.default_value;
    } else {
      double x = Clamp(AsDouble(v), d.low, d.high);
      v = d.kind == DimKind::kInt ? Value{static_cast<std::int64_t>(std::llround(x))} : Value{x};
    }
    p[d.name] = v;
  }
  return p;
}

bool SearchSpace::Contains(const Params& params) const {
  if (params.size() != dimensions_.size()) return false;
  for (const auto& d : dimensions_) {
    auto it = params.find(d.name);
    if (it == params.end() || !d.Contains(it->second)) return false;
  }
  return true;
}

void SearchSpace::Validate(const Params& params) const {
  for (const auto& d : dimensions_) {
    auto it = params.find(d.name);
    if (it == params.end()) throw ConfigError("candidate lacks dimension '" + d.name + "'");
    if (!d.Contains(it->second)) {
      throw ConfigError(fmt::format("candidate value {}={} is outside {}", d.name,
                                    ValueToString(it->second), d.DomainString()));
    }
  }
  for (const auto& [name, value] : params) {
    if (!Find(name)) throw ConfigError("candidate has unknown parameter '" + name + "'");
  }
}

int SearchSpace::EncodedSize() const {
  int n = 0;
  for (const auto& d : dimensions_) {
    if (!d.fixed) n += d.kind == DimKind::kCategorical ? static_cast<int>(d.choices.size()) : 1;
  }
  return n;
}

Eigen::VectorXd SearchSpace::Encode(const Params& params) const {
  Eigen::VectorXd x = Eigen::VectorXd::Zero(EncodedSize());
  int k = 0;
  for (const auto& d : dimensions_) {
    if (d.fixed) continue;
    auto found = params.find(d.name);
    Value v = found != params.end() ? found->second : d.past_value.value_or(d.default_value);
    if (d.kind == DimKind::kCategorical) {
      for (std::size_t c = 0; c < d.choices.size(); ++c) {
        x[k + static_cast<int>(c)] = (v.index() == 2 && AsString(v) == d.choices[c]) ? 1.0 : 0.0;
      }
      k += static_cast<int>(d.choices.size());
    } else {
      double num = v.index() == 2 ? AsDouble(d.default_value) : AsDouble(v);
      x[k++] = Clamp(ToUnit(d, num), -1.0, 2.0);
    }
  }
  return x;
}

Params SearchSpace::Decode(const Eigen::VectorXd& x) const {
  if (x.size() != EncodedSize()) {
    throw ConfigError(fmt::format("encoded candidate has {} coordinates, the space needs {}",
                                  x.size(), EncodedSize()));
  }
  Params p;
  int k = 0;
  for (const auto& d : dimensions_) {
    if (d.fixed) {
      p[d.name] = d.default_value;
    } else if (d.kind == DimKind::kCategorical) {
      int n = static_cast<int>(d.choices.size());
      Eigen::Index best = 0;
      x.segment(k, n).maxCoeff(&best);
      p[d.name] = d.choices[static_cast<std::size_t>(best)];
      k += n;
    } else if (d.kind == DimKind::kInt) {
      double v =
          d.scale == Scale::kLog ? FromUnit(d, x[k]) : d.low + Clamp(x[k], 0, 1) * (d.high - d.low);
      p[d.name] = static_cast<std::int64_t>(Clamp(std::llround(v), d.low, d.high));
      ++k;
    } else {
      p[d.name] = FromUnit(d, x[k++]);
    }
  }
  return p;
}

Eigen::VectorXd SearchSpace::Snap(const Eigen::VectorXd& x) const { return Encode(Decode(x)); }

nlohmann::json SearchSpace::ToJson() const {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& d : dimensions_) j.push_back(d.ToJson());
  return j;
}

SearchSpace SearchSpace::FromJson(const nlohmann::json& json) {
  if (!json.is_array()) throw ConfigError("a search space JSON must be an array of dimensions");
  std::vector<Dimension> dims;
  for (const auto& d : json) dims.push_back(Dimension::FromJson(d));
  return SearchSpace(std::move(dims));
}

SearchSpace Seed000Space() {
  using D = Dimension;
  // The template's structural parameters fixed at their defaults (cnn_template.hpp), the others
  // free in seed 000's ranges with the template default.
  const auto fixed = [](const char* name) { return D::Fixed(name, *CnnTemplateDefault(name)); };
  const auto int_default = [](const char* name) { return CnnTemplateInt(name); };
  const auto real_default = [](const char* name) { return AsDouble(*CnnTemplateDefault(name)); };
  const auto label_default = [](const char* name) { return AsString(*CnnTemplateDefault(name)); };
  return SearchSpace({
      fixed("conv_blocks"),
      fixed("convs_per_block"),
      D::Int("filters_0", 16, 64, int_default("filters_0")),
      D::Int("filters_1", 64, 128, int_default("filters_1")),
      fixed("kernel_size"),
      D::Categorical("activation", {"relu", "elu", "selu", "swish"}, label_default("activation")),
      fixed("batch_norm"),
      fixed("pool"),
      D::Real("conv_dropout", 0.0, 0.5, real_default("conv_dropout")),
      fixed("dense_layers"),
      D::Int("units_0", 256, 512, int_default("units_0")),
      D::Real("dense_dropout", 0.0, 0.5, real_default("dense_dropout")),
      D::Categorical("optimizer", {"adam", "adamax", "adagrad", "adadelta"},
                     label_default("optimizer")),
      D::Real("learning_rate", 1e-4, 1e-3, real_default("learning_rate"), Scale::kLog),
      D::Int("batch_size", 16, 256, int_default("batch_size")),
      fixed("augment"),
  });
}

std::string ParamsKey(const Params& params) { return ParamsToJson(params).dump(); }

}  // namespace symnas::search
