// LayerList <-> JSON text (nlohmann::json).
#include "symnas/hw/layer_json.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

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

namespace {

/// Layer lists written without kernel/stride (`symnas cost --json`, nn's format): pooling takes
/// kernel = stride = the spatial reduction factor; a convolution takes the odd kernel k with
/// params = in x out x k^2 (+ out when it has a bias, tried first unless `bias_given`).
void InferGeometry(LayerSpec& l, bool bias_given) {
  if ((l.op == LayerOp::kMaxPool || l.op == LayerOp::kAvgPool) && l.out_h > 0 &&
      l.in_h % l.out_h == 0 && l.in_h / l.out_h > 1) {
    l.kernel = l.stride = l.in_h / l.out_h;
  } else if (l.op == LayerOp::kConv2d && l.in_h == l.out_h * l.stride) {
    const std::int64_t per_k2 =
        static_cast<std::int64_t>(l.in_channels / l.groups) * l.out_channels;
    for (bool bias : bias_given ? std::vector<bool>{l.bias} : std::vector<bool>{true, false}) {
      const std::int64_t weights = l.params - (bias ? l.out_channels : 0);
      for (int k = 1; per_k2 > 0 && k <= 11; k += 2) {
        if (weights == per_k2 * k * k) {
          l.kernel = k;
          l.bias = bias;
          return;
        }
      }
    }
  }
}

}  // namespace

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
      l.params = j.value("params", std::int64_t{0});
      if (!j.contains("kernel")) InferGeometry(l, j.contains("bias"));
      l.activation = j.value("activation", "");
      l.macs = j.value("macs", 0.0);
      l.flops = j.value("flops", 0.0);
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
