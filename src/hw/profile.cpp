// Device profile YAML -> DeviceProfile, with ConfigError at file:line for bad or missing fields.
#include "symnas/hw/profile.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "symnas/common/error.hpp"

namespace symnas::hw {

namespace {
SourceLocation At(const std::string& file, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

double ReadNumber(const YAML::Node& root, const std::string& key, const std::string& file,
                  bool required, double fallback, bool must_be_positive) {
  const YAML::Node node = root[key];
  if (!node) {
    if (!required) return fallback;
    throw ConfigError("device profile lacks required field '" + key + "'; add '" + key +
                          ": <number>' with its source in a comment",
                      At(file, root));
  }
  double value = 0;
  try {
    value = node.as<double>();
  } catch (const YAML::Exception&) {
    throw ConfigError("field '" + key + "' must be a number", At(file, node));
  }
  if (value < 0 || (must_be_positive && value == 0)) {
    throw ConfigError("field '" + key + "' must be " +
                          (must_be_positive ? std::string("positive") : "non-negative") + ", got " +
                          node.as<std::string>(),
                      At(file, node));
  }
  return value;
}

std::optional<std::int64_t> ReadBytes(const YAML::Node& root, const std::string& key,
                                      const std::string& file) {
  if (!root[key]) return std::nullopt;
  return static_cast<std::int64_t>(ReadNumber(root, key, file, true, 0, true));
}
}  // namespace

DeviceProfile ParseProfile(const std::string& yaml_text, const std::string& file_label) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError("invalid YAML: " + e.msg, {file_label, e.mark.line + 1, e.mark.column + 1});
  }
  if (!root.IsMap()) throw ConfigError("a device profile must be a YAML map", {file_label, 1, 1});
  DeviceProfile p;
  p.source_file = file_label;
  if (!root["name"]) {
    throw ConfigError("device profile lacks required field 'name'", At(file_label, root));
  }
  p.name = root["name"].as<std::string>();
  if (root["description"]) p.description = root["description"].as<std::string>();
  p.peak_gflops = ReadNumber(root, "peak_gflops", file_label, true, 0, true);
  p.memory_bandwidth_gbps = ReadNumber(root, "memory_bandwidth_gbps", file_label, true, 0, true);
  p.layer_overhead_us = ReadNumber(root, "layer_overhead_us", file_label, false, 0, false);
  p.ram_bytes = static_cast<std::int64_t>(ReadNumber(root, "ram_bytes", file_label, true, 0, true));
  p.sram_bytes = ReadBytes(root, "sram_bytes", file_label);
  p.flash_bytes = ReadBytes(root, "flash_bytes", file_label);
  p.energy_pj_per_flop = ReadNumber(root, "energy_pj_per_flop", file_label, true, 0, false);
  p.energy_pj_per_byte = ReadNumber(root, "energy_pj_per_byte", file_label, true, 0, false);
  p.idle_power_w = ReadNumber(root, "idle_power_w", file_label, false, 0, false);
  return p;
}

DeviceProfile LoadProfile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot open device profile '" + path + "'", {path, 0, 0});
  std::stringstream text;
  text << in.rdbuf();
  return ParseProfile(text.str(), path);
}

std::string DefaultDevicesDir() {
  if (const char* env = std::getenv("SYMNAS_DEVICES_DIR")) return env;
#ifdef SYMNAS_HW_DEVICES_DIR
  return SYMNAS_HW_DEVICES_DIR;
#else
  return "devices";
#endif
}

std::vector<std::string> ListProfiles(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

DeviceProfile LoadProfileByName(const std::string& name, const std::string& dir) {
  const std::filesystem::path path = std::filesystem::path(dir) / (name + ".yaml");
  if (!std::filesystem::exists(path)) {
    std::string valid;
    for (const std::string& n : ListProfiles(dir)) valid += (valid.empty() ? "" : ", ") + n;
    throw UnknownNameError(UnknownNameMessage("device", name, valid + " (in " + dir + ")"));
  }
  return LoadProfile(path.string());
}

}  // namespace symnas::hw
