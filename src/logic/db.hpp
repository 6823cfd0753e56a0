// Internal: library(db) — CSV files and SQLite databases read as facts (program text).
#pragma once

#include <string>

#include "symnas/common/error.hpp"

namespace symnas::logic {

/// One fact `predicate(v1, ...)` per data row of the CSV file (the first row names the columns).
/// Throws ConfigError when the file cannot be read, InvalidValue for a value of the wrong type.
std::string CsvFacts(const std::string& path, const std::string& predicate,
                     const SourceLocation& where);
/// One fact `table(v1, ...)` per row of every table of the SQLite database.
std::string SqliteFacts(const std::string& path, const SourceLocation& where);

}  // namespace symnas::logic
