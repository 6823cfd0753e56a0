// Formatting of symnas::Error and its source locations.
#include "symnas/common/error.hpp"

namespace symnas {

std::string SourceLocation::ToString() const {
  std::string out = file;
  if (line > 0) {
    if (!out.empty()) out += ':';
    out += std::to_string(line);
    if (column > 0) out += ':' + std::to_string(column);
  }
  return out;
}

namespace {
std::string FullText(const std::string& class_name, const std::string& message,
                     const SourceLocation& location) {
  std::string text = class_name + ": " + message;
  if (location.Known()) text += " at " + location.ToString();
  return text;
}
}  // namespace

Error::Error(std::string class_name, std::string message, SourceLocation location)
    : std::runtime_error(FullText(class_name, message, location)),
      class_name_(std::move(class_name)),
      message_(std::move(message)),
      location_(std::move(location)) {}

std::string UnknownNameMessage(const std::string& kind, const std::string& name,
                               const std::string& valid_names_comma_separated) {
  return "unknown " + kind + " '" + name + "'; valid names: " + valid_names_comma_separated;
}

}  // namespace symnas
