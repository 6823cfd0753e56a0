// The lookup table of the `lut` estimator: per-layer latencies keyed by layer configuration and
// timer, stored in an SQLite file the caller names (later: the study store).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "symnas/common/layer_spec.hpp"
#include "symnas/hw/timer.hpp"

struct sqlite3;

namespace symnas::hw {

/// Canonical text key of a layer's configuration (op, shapes, kernel, stride, groups, bias,
/// activation, inputs); the name is not part of it, so equal layers share one entry.
std::string LayerConfigKey(const LayerSpec& layer);

/// SQLite-backed table hw_layer_latency(config, timer, median_ms, p10_ms, p90_ms, runs).
class LayerLatencyTable {
 public:
  /// Opens (creating if needed) the table in `path`; StoreError when the file cannot be used.
  explicit LayerLatencyTable(const std::string& path);
  ~LayerLatencyTable();
  LayerLatencyTable(const LayerLatencyTable&) = delete;
  LayerLatencyTable& operator=(const LayerLatencyTable&) = delete;

  /// The cached timing of a configuration under a timer description, if any.
  std::optional<Timing> Find(const std::string& config, const std::string& timer) const;
  /// Stores (replacing) a timing.
  void Put(const std::string& config, const std::string& timer, const Timing& timing);
  /// Number of stored entries.
  int Size() const;

 private:
  void Exec(const std::string& sql) const;
  std::string path_;
  sqlite3* db_ = nullptr;
};

}  // namespace symnas::hw
