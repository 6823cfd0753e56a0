// CSV file -> CsvTable (header, rows, line numbers).
#include "symnas/hw/csv.hpp"

#include <fstream>
#include <sstream>

#include "symnas/common/error.hpp"

namespace symnas::hw {

namespace {
std::vector<std::string> SplitLine(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::stringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}
}  // namespace

int CsvTable::FindColumn(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

int CsvTable::Column(const std::string& name) const {
  const int c = FindColumn(name);
  if (c < 0) {
    std::string cols;
    for (const auto& h : header) cols += (cols.empty() ? "" : ", ") + h;
    throw DatasetError("CSV lacks column '" + name + "'; its columns are: " + cols, {path, 1, 0});
  }
  return c;
}

double CsvTable::Number(size_t r, int c) const {
  const std::string& cell = rows.at(r).at(static_cast<size_t>(c));
  try {
    size_t used = 0;
    const double v = std::stod(cell, &used);
    if (used == cell.size()) return v;
  } catch (const std::exception&) {
  }
  throw DatasetError(
      "column '" + header[static_cast<size_t>(c)] + "' holds '" + cell + "', not a number",
      {path, lines[r], 0});
}

std::vector<LatencyColumn> LatencyColumns(const CsvTable& table) {
  static const std::string kPrefix = "lat_ms_";
  std::vector<LatencyColumn> columns;
  for (size_t c = 0; c < table.header.size(); ++c) {
    if (table.header[c].rfind(kPrefix, 0) == 0) {
      columns.push_back({static_cast<int>(c), table.header[c].substr(kPrefix.size())});
    }
  }
  return columns;
}

CsvTable ReadCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw DatasetError("cannot open CSV file '" + path + "'", {path, 0, 0});
  CsvTable table;
  table.path = path;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cells = SplitLine(line);
    if (table.header.empty()) {
      table.header = std::move(cells);
      continue;
    }
    if (cells.size() != table.header.size()) {
      throw DatasetError("row has " + std::to_string(cells.size()) + " cells, header has " +
                             std::to_string(table.header.size()),
                         {path, line_no, 0});
    }
    table.rows.push_back(std::move(cells));
    table.lines.push_back(line_no);
  }
  if (table.header.empty()) throw DatasetError("CSV file is empty", {path, 1, 0});
  return table;
}

}  // namespace symnas::hw
