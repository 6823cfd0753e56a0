// The NAS-Bench-201 table with measured device latencies: reads nasbench201_hw.csv (15,625
// cells, any set of lat_ms_<device> columns) and answers look-ups by cell index or by the six
// edge operations.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "symnas/hw/nb201.hpp"

namespace symnas::tabular {

/// Edges of the NAS-Bench-201 cell, in the order of the architecture string:
/// 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2 (the cell of hw/nb201.hpp).
inline constexpr int kNb201Edges = hw::kNb201Edges;
/// Candidate operations of every edge; operation id k is hw::Nb201Op(k).
inline constexpr int kNb201Ops = hw::kNb201Ops;
/// The name of operation id `op` in the architecture string ("nor_conv_3x3").
std::string Nb201OpLabel(int op);
/// Number of cells: 5^6.
inline constexpr int kNb201Cells = 15625;

/// The six operation ids of one cell (invariant: each in [0, kNb201Ops)).
using Nb201Ops = std::array<std::uint8_t, kNb201Edges>;

/// The datasets with 200-epoch accuracies in the table.
enum class Nb201Dataset { kCifar10, kCifar100, kImageNet16 };
/// A device with a latency column in a table (Nb201Table::devices()): the column's position
/// among the table's devices and the device's name, the column name without `lat_ms_` (the
/// shipped table's batch-1 column `lat_ms_titan_rtx_1` is the device `titan_rtx`). Two devices
/// are equal when they are the same column.
struct Nb201Device {
  int column = 0;
  std::string name;
  bool operator==(const Nb201Device& other) const { return column == other.column; }
};

inline constexpr std::array<Nb201Dataset, 3> kNb201Datasets = {
    Nb201Dataset::kCifar10, Nb201Dataset::kCifar100, Nb201Dataset::kImageNet16};

/// cifar10, cifar100, imagenet16.
const char* Nb201DatasetName(Nb201Dataset dataset);
/// The device's name (raspi4, ..., or whatever the table's lat_ms_ columns name).
inline const std::string& Nb201DeviceName(const Nb201Device& device) { return device.name; }
/// Inverse of Nb201DatasetName (through hw::Nb201DatasetByName, which also accepts
/// ImageNet16-120); an unknown name throws UnknownNameError listing valid names.
Nb201Dataset ParseNb201Dataset(const std::string& name);

/// "|op~0|+|op~0|op~1|+|op~0|op~1|op~2|" for six operation ids (hw::Nb201Cell::ToString).
std::string Nb201ArchString(const Nb201Ops& ops);
/// Inverse of Nb201ArchString (hw::ParseNb201Cell); a malformed string throws ArchError
/// saying what is wrong.
Nb201Ops ParseNb201Arch(const std::string& arch);
/// Base-5 code of the operations (a bijection onto [0, kNb201Cells)); not the table index.
int Nb201OpsCode(const Nb201Ops& ops);

/// One row of the table.
struct Nb201Entry {
  int index = 0;  ///< NAS-Bench-201 index
  Nb201Ops ops{};
  std::array<double, 3> test_accuracy{};  ///< percent, by Nb201Dataset
  std::vector<double> latency_ms;         ///< by Nb201Device::column
};

/// All 15,625 cells, indexed by NAS-Bench-201 index, with the latency of every device column.
class Nb201Table {
 public:
  /// Reads the CSV: columns index, arch, cifar10_test_acc, cifar100_test_acc,
  /// imagenet16_test_acc and one or more lat_ms_<device>, in any order (other columns are
  /// ignored). A missing file or column, a malformed row or a wrong row count throws
  /// DatasetError naming the file, line and problem.
  static Nb201Table Load(const std::string& csv_path);

  /// The devices of the table's latency columns, in column order.
  const std::vector<Nb201Device>& devices() const { return devices_; }
  /// The device of that name; an unknown name throws UnknownNameError listing the table's
  /// devices.
  const Nb201Device& Device(const std::string& name) const;
  /// Whether the table has a latency column for that device name.
  bool HasDevice(const std::string& name) const;

  std::size_t size() const { return entries_.size(); }
  const Nb201Entry& At(int index) const;
  /// Index of the cell with these operations.
  int IndexOf(const Nb201Ops& ops) const { return index_by_code_[Nb201OpsCode(ops)]; }
  double AccuracyPercent(int index, Nb201Dataset dataset) const {
    return At(index).test_accuracy[static_cast<int>(dataset)];
  }
  double LatencyMs(int index, Nb201Device device) const {
    return At(index).latency_ms[static_cast<std::size_t>(device.column)];
  }
  const std::vector<Nb201Entry>& entries() const { return entries_; }

 private:
  std::vector<Nb201Entry> entries_;
  std::vector<int> index_by_code_;
  std::vector<Nb201Device> devices_;
  std::string path_;
};

/// The path of the table shipped in the repository (data/nasbench201/nasbench201_hw.csv),
/// or $SYMNAS_NB201_CSV when set.
std::string DefaultNb201CsvPath();

}  // namespace symnas::tabular
