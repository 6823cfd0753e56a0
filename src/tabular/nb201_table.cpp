// Reading and indexing the NAS-Bench-201 hardware table (data/nasbench201/nasbench201_hw.csv).
#include "symnas/tabular/nb201_table.hpp"

#include <fmt/core.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "symnas/common/error.hpp"

namespace symnas::tabular {
namespace {

constexpr std::array<const char*, 3> kDatasetNames = {"cifar10", "cifar100", "imagenet16"};
constexpr std::array<const char*, 5> kDeviceNames = {"raspi4", "pixel3", "fpga", "gold_6226",
                                                     "titan_rtx"};
constexpr const char* kHeader =
    "index,arch,cifar10_test_acc,cifar100_test_acc,imagenet16_test_acc,lat_ms_raspi4,"
    "lat_ms_pixel3,lat_ms_fpga,lat_ms_gold_6226,lat_ms_titan_rtx_1";

template <std::size_t N>
int FindName(const std::array<const char*, N>& names, const std::string& name, const char* kind) {
  std::string valid;
  for (std::size_t i = 0; i < N; ++i) {
    if (name == names[i]) return static_cast<int>(i);
    valid += (i ? ", " : "") + std::string(names[i]);
  }
  throw UnknownNameError(UnknownNameMessage(kind, name, valid));
}

// Drops a trailing carriage return (the shipped CSV has CRLF line ends).
void StripCarriageReturn(std::string& line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
}

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(field);
  return fields;
}

double ParseNumber(const std::string& text, const std::string& path, int line, int column) {
  double value = 0.0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw DatasetError(fmt::format("column {} is '{}', expected a number", column, text),
                       {path, line, 0});
  }
  return value;
}

}  // namespace

const char* Nb201DatasetName(Nb201Dataset dataset) {
  return kDatasetNames[static_cast<int>(dataset)];
}
const char* Nb201DeviceName(Nb201Device device) { return kDeviceNames[static_cast<int>(device)]; }

Nb201Dataset ParseNb201Dataset(const std::string& name) {
  // hw knows the datasets (and their aliases); the table orders its columns by Nb201Dataset.
  return static_cast<Nb201Dataset>(
      FindName(kDatasetNames, hw::Nb201DatasetByName(name).name, "NAS-Bench-201 dataset"));
}
Nb201Device ParseNb201Device(const std::string& name) {
  return static_cast<Nb201Device>(FindName(kDeviceNames, name, "NAS-Bench-201 device"));
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
  std::ifstream in(csv_path);
  if (!in) {
    throw DatasetError("cannot open the NAS-Bench-201 table '" + csv_path +
                       "' (set --data or $SYMNAS_NB201_CSV to nasbench201_hw.csv)");
  }
  std::string line;
  if (std::getline(in, line)) StripCarriageReturn(line);
  if (line != kHeader) {
    throw DatasetError(fmt::format("unexpected header, expected '{}'", kHeader), {csv_path, 1, 0});
  }
  Nb201Table table;
  table.entries_.resize(kNb201Cells);
  table.index_by_code_.assign(kNb201Cells, -1);
  std::vector<bool> seen(kNb201Cells, false);
  int line_no = 1;
  int rows = 0;
  while (std::getline(in, line)) {
    ++line_no;
    StripCarriageReturn(line);
    if (line.empty()) continue;
    auto fields = SplitCsvLine(line);
    if (fields.size() != 10) {
      throw DatasetError(fmt::format("expected 10 columns, found {}", fields.size()),
                         {csv_path, line_no, 0});
    }
    int index = static_cast<int>(ParseNumber(fields[0], csv_path, line_no, 1));
    if (index < 0 || index >= kNb201Cells || seen[index]) {
      throw DatasetError(fmt::format("index {} is out of range or repeated", fields[0]),
                         {csv_path, line_no, 0});
    }
    Nb201Entry& entry = table.entries_[index];
    entry.index = index;
    try {
      entry.ops = ParseNb201Arch(fields[1]);
    } catch (const ArchError& e) {
      throw DatasetError(e.message(), {csv_path, line_no, 0});
    }
    for (int d = 0; d < 3; ++d) {
      entry.test_accuracy[d] = ParseNumber(fields[2 + d], csv_path, line_no, 3 + d);
    }
    for (int d = 0; d < 5; ++d) {
      entry.latency_ms[d] = ParseNumber(fields[5 + d], csv_path, line_no, 6 + d);
    }
    int code = Nb201OpsCode(entry.ops);
    if (table.index_by_code_[code] >= 0) {
      throw DatasetError("architecture " + fields[1] + " appears twice", {csv_path, line_no, 0});
    }
    table.index_by_code_[code] = index;
    seen[index] = true;
    ++rows;
  }
  if (rows != kNb201Cells) {
    throw DatasetError(
        fmt::format("{} rows, expected all {} cells (truncated file?)", rows, kNb201Cells),
        {csv_path, line_no, 0});
  }
  return table;
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
