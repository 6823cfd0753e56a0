// library(db) of ProbLog 2 (problog/library/db.py): csv_load(File, Predicate) and
// sqlite_load(File) make the rows of a CSV file or of every table of an SQLite database facts
// of the program. Values keep their type: integers, floats, text as atoms that keep their quotes
// ('bob', as ProbLog's db2pl). As ProbLog, a CSV's column types come from its first data row and
// text fields are stripped of blanks.
#include "db.hpp"

#include <sqlite3.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "symnas/common/error.hpp"
#include "symnas/logic/errors.hpp"
#include "symnas/logic/term.hpp"

namespace symnas::logic {

namespace {

std::string AtomText(const std::string& s) {
  if (!AtomNeedsQuotes(s)) return s;
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// Python's csv.reader on one line (default dialect: ',' separator, '"' quotes, "" escapes).
std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != '\r') {
      fields.back() += c;
    }
  }
  return fields;
}

std::string Strip(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

enum class ColumnType { kInt, kFloat, kText };

ColumnType TypeOf(const std::string& field) {
  std::string s = Strip(field);
  char* end = nullptr;
  if (!s.empty()) {
    std::strtoll(s.c_str(), &end, 10);
    if (*end == '\0') return ColumnType::kInt;
    std::strtod(s.c_str(), &end);
    if (*end == '\0') return ColumnType::kFloat;
  }
  return ColumnType::kText;
}

std::string FloatText(double v) { return FormatFloat(v); }

// ProbLog's db2pl: a text value becomes Term("'" + value + "'"), an atom whose name keeps the
// quotes; it unifies with the atom `value` (same signature) but is a different atom.
std::string DbTextAtom(const std::string& value) { return AtomText("'" + value + "'"); }

}  // namespace

std::string CsvFacts(const std::string& path, const std::string& predicate,
                     const SourceLocation& where) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("Can't find csv file '" + path + "'", where);
  std::string line;
  std::getline(in, line);  // column names
  std::vector<ColumnType> types;
  std::string out;
  int line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (Strip(line).empty()) continue;
    std::vector<std::string> fields = SplitCsvLine(line);
    if (types.empty()) {
      for (const std::string& f : fields) types.push_back(TypeOf(f));
    }
    out += AtomText(predicate) + "(";
    for (std::size_t i = 0; i < fields.size() && i < types.size(); ++i) {
      if (i) out += ", ";
      std::string f = Strip(fields[i]);
      if (types[i] == ColumnType::kText) {
        out += DbTextAtom(f);
        continue;
      }
      if (TypeOf(f) == ColumnType::kText ||
          (types[i] == ColumnType::kInt && TypeOf(f) != ColumnType::kInt)) {
        throw InvalidValue(path + ":" + std::to_string(line_no) + ". Expected type " +
                               (types[i] == ColumnType::kInt ? "int" : "float") + ", found value " +
                               fields[i],
                           where);
      }
      out += types[i] == ColumnType::kInt ? f : FloatText(std::strtod(f.c_str(), nullptr));
    }
    out += ").\n";
  }
  return out;
}

std::string SqliteFacts(const std::string& path, const SourceLocation& where) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw ConfigError("Can't find database '" + path + "'", where);
  }
  auto query = [&](const std::string& sql, auto&& row) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      std::string message = sqlite3_errmsg(db);
      sqlite3_close(db);
      throw ConfigError("cannot read database '" + path + "': " + message, where);
    }
    while (sqlite3_step(st) == SQLITE_ROW) row(st);
    sqlite3_finalize(st);
  };
  std::vector<std::string> tables;
  query("SELECT name FROM sqlite_master WHERE type='table';", [&](sqlite3_stmt* st) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  });
  std::string out;
  for (const std::string& table : tables) {
    query("SELECT * FROM \"" + table + "\";", [&](sqlite3_stmt* st) {
      out += AtomText(table) + "(";
      for (int i = 0; i < sqlite3_column_count(st); ++i) {
        if (i) out += ", ";
        switch (sqlite3_column_type(st, i)) {
          case SQLITE_INTEGER:
            out += std::to_string(sqlite3_column_int64(st, i));
            break;
          case SQLITE_FLOAT:
            out += FloatText(sqlite3_column_double(st, i));
            break;
          case SQLITE_NULL:
            out += "none";
            break;
          default:
            out += DbTextAtom(reinterpret_cast<const char*>(sqlite3_column_text(st, i)));
        }
      }
      out += ").\n";
    });
  }
  sqlite3_close(db);
  return out;
}

}  // namespace symnas::logic
