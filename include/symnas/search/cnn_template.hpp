// The CNN template's parameters (docs/nn.md, "The CNN template"): canonical names and defaults,
// the one table that nn::ArchFromParams, the seed-000 space, the tuner's actions, the morphism
// strategy and the synthetic cnn_proxy read. In search, the lowest layer all of them link.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "symnas/search/types.hpp"

namespace symnas::search {

/// One plain (not per-layer) parameter of the CNN template.
struct CnnTemplateParam {
  const char* name;     ///< canonical name, e.g. "conv_blocks"
  Value default_value;  ///< the template default
  const char* description;
};

/// The plain parameters in docs/nn.md order; the per-layer ones are filters_<i> (conv block i)
/// and units_<i> (hidden dense layer i), with the defaults below.
const std::vector<CnnTemplateParam>& CnnTemplateParams();

/// Default filters of conv block `block`: 32, 64, then 128.
std::int64_t CnnTemplateFilters(std::int64_t block);
/// Default units of every hidden dense layer.
inline constexpr std::int64_t kCnnTemplateUnits = 256;

/// The layer index of `name` for `prefix` ("filters_3", "filters_" -> 3: 1 to 4 digits after
/// the prefix); nullopt for any other name.
std::optional<int> CnnLayerIndex(const std::string& name, const std::string& prefix);

/// The template default of `name` (plain, filters_<i> or units_<i>); nullopt for a name the
/// template does not have.
std::optional<Value> CnnTemplateDefault(const std::string& name);

/// The template default of an integer parameter (conv_blocks, filters_<i>, batch_norm, ...);
/// std::logic_error for a name the template does not have as an integer (a caller's bug).
std::int64_t CnnTemplateInt(const std::string& name);

}  // namespace symnas::search
