// A small CSV reader for measurement files (no quoted commas): file -> header + rows, with
// DatasetError at file:line for ragged rows and ColumnIndex for named look-ups.
#pragma once

#include <string>
#include <vector>

namespace symnas::hw {

/// A parsed CSV file.
struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;  ///< 1-based file line of each row, for error messages

  /// Index of a column; -1 when absent.
  int FindColumn(const std::string& name) const;
  /// Index of a column; DatasetError listing the header when absent.
  int Column(const std::string& name) const;
  /// rows[r][c] as a number; DatasetError at path:line when it is not one.
  double Number(size_t r, int c) const;
};

/// Reads a CSV with a header line. Throws DatasetError when missing, empty or ragged.
CsvTable ReadCsv(const std::string& path);

/// A latency column of a measurements table: `lat_ms_<device>`.
struct LatencyColumn {
  int column = 0;      ///< index into CsvTable::header
  std::string device;  ///< the name after lat_ms_ (may be empty for a bare "lat_ms_")
};
/// Every `lat_ms_<device>` column of the table, in header order.
std::vector<LatencyColumn> LatencyColumns(const CsvTable& table);

}  // namespace symnas::hw
