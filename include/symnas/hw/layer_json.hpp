// LayerList <-> JSON ({"layers": [{"op": "conv2d", "in": [C,H,W], "out": [C,H,W], ...}]}), so
// that any network's analytics can be handed to `symnas hw estimate` and `symnas hw fit`.
#pragma once

#include <string>

#include "symnas/common/layer_spec.hpp"

namespace symnas::hw {

/// Serialises a layer list (all LayerSpec fields).
std::string LayerListToJson(const LayerList& layers);

/// Parses JSON text; ArchError naming the layer index for unknown ops or missing shapes.
LayerList LayerListFromJson(const std::string& json_text, const std::string& file_label);

/// Reads a JSON file; DatasetError when it cannot be read.
LayerList LoadLayerList(const std::string& path);

/// LayerOp from its snake_case name; UnknownNameError listing the valid names.
LayerOp LayerOpFromName(const std::string& name);

}  // namespace symnas::hw
