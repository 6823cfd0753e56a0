// Reading and indexing the NAS-Bench-201 hardware table (data/nasbench201/nasbench201_hw.csv, or
// any CSV with its columns and lat_ms_<device> columns of other devices).
#include "symnas/tabular/nb201_table.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "symnas/common/error.hpp"
#include "symnas/hw/csv.hpp"

namespace symnas::tabular {
namespace {

constexpr std::array<const char*, 3> kDatasetNames = {"cifar10", "cifar100", "imagenet16"};
// The device of a latency column (hw::LatencyColumns: the name after lat_ms_); HW-NAS-Bench's
// batch-1 Titan RTX column of the shipped table keeps the name every result and doc uses.
std::string DeviceName(const hw::LatencyColumn& column) {
  return column.device == "titan_rtx_1" ? "titan_rtx" : column.device;
}

}  // namespace

const char* Nb201DatasetName(Nb201Dataset dataset) {
  return kDatasetNames[static_cast<int>(dataset)];
}

Nb201Dataset ParseNb201Dataset(const std::string& name) {
  // hw knows the datasets (and their aliases); the table orders its columns by Nb201Dataset.
  const std::string canonical = hw::Nb201DatasetByName(name).name;
  for (std::size_t i = 0; i < kDatasetNames.size(); ++i) {
    if (canonical == kDatasetNames[i]) return static_cast<Nb201Dataset>(i);
  }
  // hw::Nb201DatasetByName accepts only these three (and aliases): unreachable for user input.
  throw std::logic_error("hw and tabular disagree on the NAS-Bench-201 dataset '" + name + "'");
}

std::string Nb201OpLabel(int op) { return hw::Nb201OpName(static_cast<hw::Nb201Op>(op)); }

std::string Nb201ArchString(const Nb201Ops& ops) {
  hw::Nb201Cell cell;
  for (int edge = 0; edge < kNb201Edges; ++edge)
    cell.ops[edge] = static_cast<hw::Nb201Op>(ops[edge]);
  return cell.ToString();
}

Nb201Ops ParseNb201Arch(const std::string& arch) {
  const hw::Nb201Cell cell = hw::ParseNb201Cell(arch);
  Nb201Ops ops{};
  for (int edge = 0; edge < kNb201Edges; ++edge)
    ops[edge] = static_cast<std::uint8_t>(cell.ops[edge]);
  return ops;
}

int Nb201OpsCode(const Nb201Ops& ops) {
  int code = 0;
  for (int edge = 0; edge < kNb201Edges; ++edge) code = code * kNb201Ops + ops[edge];
  return code;
}

Nb201Table Nb201Table::Load(const std::string& csv_path) {
  if (!std::ifstream(csv_path)) {
    throw DatasetError("cannot open the NAS-Bench-201 table '" + csv_path +
                       "' (set --data or $SYMNAS_NB201_CSV to nasbench201_hw.csv)");
  }
  const hw::CsvTable csv = hw::ReadCsv(csv_path);
  Nb201Table table;
  table.path_ = csv_path;
  const int index_column = csv.Column("index"), arch_column = csv.Column("arch");
  std::array<int, 3> accuracy_columns{};
  for (std::size_t d = 0; d < kDatasetNames.size(); ++d) {
    accuracy_columns[d] = csv.Column(std::string(kDatasetNames[d]) + "_test_acc");
  }
  std::vector<int> latency_columns;
  for (const hw::LatencyColumn& column : hw::LatencyColumns(csv)) {
    const std::string device = DeviceName(column);
    if (device.empty() || table.HasDevice(device)) {
      throw DatasetError(
          fmt::format("latency column '{}' {}", csv.header[column.column],
                      device.empty() ? "names no device (lat_ms_<device>)" : "repeats a device"),
          {csv_path, 1, column.column + 1});
    }
    table.devices_.push_back({static_cast<int>(latency_columns.size()), device});
    latency_columns.push_back(column.column);
  }
  if (latency_columns.empty()) {
    throw DatasetError("the table has no latency column: add one lat_ms_<device> per device",
                       {csv_path, 1, 0});
  }
  table.entries_.resize(kNb201Cells);
  table.index_by_code_.assign(kNb201Cells, -1);
  std::vector<bool> seen(kNb201Cells, false);
  for (std::size_t r = 0; r < csv.rows.size(); ++r) {
    const SourceLocation at{csv_path, csv.lines[r], 0};
    const double index_value = csv.Number(r, index_column);
    const int index = static_cast<int>(index_value);
    if (index != index_value || index < 0 || index >= kNb201Cells || seen[index]) {
      throw DatasetError(fmt::format("index {} is out of range or repeated", index_value), at);
    }
    Nb201Entry& entry = table.entries_[index];
    entry.index = index;
    try {
      entry.ops = ParseNb201Arch(csv.rows[r][static_cast<std::size_t>(arch_column)]);
    } catch (const ArchError& e) {
      throw DatasetError(e.message(), at);
    }
    for (std::size_t d = 0; d < accuracy_columns.size(); ++d) {
      entry.test_accuracy[d] = csv.Number(r, accuracy_columns[d]);
    }
    for (int column : latency_columns) entry.latency_ms.push_back(csv.Number(r, column));
    const int code = Nb201OpsCode(entry.ops);
    if (table.index_by_code_[code] >= 0) {
      throw DatasetError(
          "architecture " + csv.rows[r][static_cast<std::size_t>(arch_column)] + " appears twice",
          at);
    }
    table.index_by_code_[code] = index;
    seen[index] = true;
  }
  if (csv.rows.size() != static_cast<std::size_t>(kNb201Cells)) {
    throw DatasetError(fmt::format("{} rows, expected all {} cells (truncated file?)",
                                   csv.rows.size(), kNb201Cells),
                       {csv_path, csv.lines.empty() ? 1 : csv.lines.back(), 0});
  }
  return table;
}

const Nb201Device& Nb201Table::Device(const std::string& name) const {
  std::string valid;
  for (const auto& device : devices_) {
    if (device.name == name) return device;
    valid += (valid.empty() ? "" : ", ") + device.name;
  }
  throw UnknownNameError(
      UnknownNameMessage("device of the NAS-Bench-201 table '" + path_ + "'", name, valid));
}

bool Nb201Table::HasDevice(const std::string& name) const {
  return std::any_of(devices_.begin(), devices_.end(),
                     [&](const Nb201Device& d) { return d.name == name; });
}

const Nb201Entry& Nb201Table::At(int index) const {
  if (index < 0 || index >= static_cast<int>(entries_.size())) {
    throw ConfigError(
        fmt::format("NAS-Bench-201 index {} out of range [0, {})", index, entries_.size()));
  }
  return entries_[index];
}

std::string DefaultNb201CsvPath() {
  if (const char* env = std::getenv("SYMNAS_NB201_CSV"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::string(SYMNAS_DATA_DIR) + "/nasbench201/nasbench201_hw.csv";
}

}  // namespace symnas::tabular
