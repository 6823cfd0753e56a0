// Look-up by name in an explicit extension table (a std::vector of entries with a `name`
// member: dataset formats, export formats, synthetic functions, ...).
#pragma once

#include <string>
#include <vector>

#include "symnas/common/error.hpp"

namespace symnas {

/// The entry of `table` called `name`; UnknownNameError "unknown <kind> 'name'; valid names:
/// a, b, c" otherwise.
template <class Entry>
const Entry& FindByName(const std::vector<Entry>& table, const std::string& kind,
                        const std::string& name) {
  std::string valid;
  for (const Entry& entry : table) {
    if (name == entry.name) return entry;
    valid += (valid.empty() ? "" : ", ") + std::string(entry.name);
  }
  throw UnknownNameError(UnknownNameMessage(kind, name, valid));
}

}  // namespace symnas
