// LayerList <-> JSON text (nlohmann::json).
#include "symnas/hw/layer_json.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "symnas/common/error.hpp"

namespace symnas::hw {

using nlohmann::json;

LayerOp LayerOpFromName(const std::string& name) {
  std::string valid;
  for (int i = 0; i <= static_cast<int>(LayerOp::kDropout); ++i) {
    const auto op = static_cast<LayerOp>(i);
    if (name == LayerOpName(op)) return op;
    valid += (valid.empty() ? "" : ", ") + std::string(LayerOpName(op));
  }
  throw UnknownNameError(UnknownNameMessage("layer op", name, valid));
}

std::string LayerListToJson(const LayerList& layers) {
  json arr = json::array();
  for (const LayerSpec& l : layers) {
    arr.push_back({{"op", LayerOpName(l.op)},
                   {"name", l.name},
                   {"in", {l.in_channels, l.in_h, l.in_w}},
                   {"out", {l.out_channels, l.out_h, l.out_w}},
                   {"kernel", l.kernel},
                   {"stride", l.stride},
                   {"groups", l.groups},
                   {"bias", l.bias},
                   {"activation", l.activation},
                   {"macs", l.macs},
                   {"flops", l.flops},
                   {"params", l.params},
                   {"num_inputs", l.num_inputs}});
  }
  return json{{"layers", arr}}.dump(1);
}

LayerList LayerListFromJson(const std::string& json_text, const std::string& file_label) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw ArchError(std::string("invalid JSON: ") + e.what(), {file_label});
  }
  if (!doc.contains("layers") || !doc["layers"].is_array()) {
    throw ArchError("a layer list is {\"layers\": [...]}", {file_label});
  }
  LayerList layers;
  for (size_t i = 0; i < doc["layers"].size(); ++i) {
    const json& j = doc["layers"][i];
    try {
      LayerSpec l;
      l.op = LayerOpFromName(j.at("op").get<std::string>());
      l.name = j.value("name", "layer" + std::to_string(i));
      const auto in = j.at("in").get<std::vector<int>>();
      const auto out = j.at("out").get<std::vector<int>>();
      if (in.size() != 3 || out.size() != 3) throw ArchError("'in'/'out' must be [C, H, W]");
      l.in_channels = in[0], l.in_h = in[1], l.in_w = in[2];
      l.out_channels = out[0], l.out_h = out[1], l.out_w = out[2];
      l.kernel = j.value("kernel", 1);
      l.stride = j.value("stride", 1);
      l.groups = j.value("groups", 1);
      l.bias = j.value("bias", false);
      l.activation = j.value("activation", "");
      l.macs = j.value("macs", 0.0);
      l.flops = j.value("flops", 0.0);
      l.params = j.value("params", std::int64_t{0});
      l.num_inputs = j.value("num_inputs", 1);
      layers.push_back(std::move(l));
    } catch (const json::exception& e) {
      throw ArchError("layer " + std::to_string(i) + ": " + e.what(), {file_label});
    } catch (const Error& e) {
      throw ArchError("layer " + std::to_string(i) + ": " + e.message(), {file_label});
    }
  }
  return layers;
}

LayerList LoadLayerList(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DatasetError("cannot open layer list '" + path + "'", {path});
  std::stringstream text;
  text << in.rdbuf();
  return LayerListFromJson(text.str(), path);
}

}  // namespace symnas::hw
