// Editable search spaces: named int / real (linear or log) / categorical dimensions with bounds
// and defaults, run-time edits recorded with their reason, and the unit-cube encoding the GP uses.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "symnas/search/types.hpp"

namespace symnas::search {

/// What values a dimension takes.
enum class DimKind { kInt, kReal, kCategorical };
/// How a numeric dimension is sampled and encoded: uniformly in the value or in its logarithm.
enum class Scale { kLinear, kLog };

const char* DimKindName(DimKind kind);
DimKind DimKindFromName(const std::string& name);

/// One named dimension. Invariants (checked by SearchSpace): numeric: low <= high (log: low > 0);
/// categorical: choices non-empty and unique; default_value inside the domain; a fixed dimension
/// always takes default_value and has no coordinate in the encoding.
struct Dimension {
  std::string name;
  DimKind kind = DimKind::kReal;
  Scale scale = Scale::kLinear;
  double low = 0.0;                  ///< numeric lower bound (inclusive)
  double high = 0.0;                 ///< numeric upper bound (inclusive)
  std::vector<std::string> choices;  ///< categorical labels
  Value default_value;               ///< the template default; the value while fixed
  bool fixed = false;                ///< true: the dimension is pinned to default_value
  /// Value trials run before this dimension was added are assumed to have had (set by the
  /// kAddDimension edit); used to place old observations in the new space.
  std::optional<Value> past_value;

  static Dimension Int(std::string name, std::int64_t low, std::int64_t high,
                       std::int64_t default_value, Scale scale = Scale::kLinear);
  static Dimension Real(std::string name, double low, double high, double default_value,
                        Scale scale = Scale::kLinear);
  static Dimension Categorical(std::string name, std::vector<std::string> choices,
                               std::string default_value);
  /// A dimension pinned to one value (kind taken from the value).
  static Dimension Fixed(std::string name, Value value);

  /// True when `value` has the right kind and lies in the domain (a fixed dimension: equals it).
  bool Contains(const Value& value) const;
  /// Human-readable domain: "int [16, 64]", "real log [1e-4, 1e-3]", "{relu, elu}", "= 2".
  std::string DomainString() const;
  nlohmann::json ToJson() const;
  static Dimension FromJson(const nlohmann::json& json);
};

/// Why a space edit was made: the tuning action (or "user", "config") and the trial after which
/// it was applied (-1: before any trial).
struct EditReason {
  std::string action;
  std::int64_t trial_id = -1;
  std::string note;
};

/// Kinds of run-time edits.
enum class SpaceEditKind {
  kShrinkBounds,     ///< new [low, high] inside the old one
  kExpandBounds,     ///< new [low, high] contains the old one
  kShiftBounds,      ///< both bounds move in the same direction
  kSetChoices,       ///< categorical: replace the list of choices
  kAddDimension,     ///< new dimension; past trials assumed to have had `value`
  kRemoveDimension,  ///< drop a dimension (past values are ignored from then on)
  kFixValue,         ///< pin a dimension to `value`
  kUnfix,            ///< free a pinned dimension again
};
const char* SpaceEditKindName(SpaceEditKind kind);
SpaceEditKind SpaceEditKindFromName(const std::string& name);

/// One recorded edit. Only the fields its kind needs are meaningful:
/// bounds edits use low/high, kSetChoices uses choices, kAddDimension uses dimension and value
/// (the past value), kFixValue uses value. Replaying the edits of a study in order on its
/// initial space rebuilds the current space exactly.
struct SpaceEdit {
  SpaceEditKind kind = SpaceEditKind::kShrinkBounds;
  std::string name;  ///< the dimension edited
  double low = 0.0;
  double high = 0.0;
  std::vector<std::string> choices;
  std::optional<Dimension> dimension;
  std::optional<Value> value;
  EditReason reason;

  static SpaceEdit Bounds(SpaceEditKind kind, std::string name, double low, double high,
                          EditReason reason);
  static SpaceEdit SetChoices(std::string name, std::vector<std::string> choices,
                              EditReason reason);
  static SpaceEdit Add(Dimension dimension, Value past_value, EditReason reason);
  static SpaceEdit Remove(std::string name, EditReason reason);
  static SpaceEdit Fix(std::string name, Value value, EditReason reason);
  static SpaceEdit Unfix(std::string name, EditReason reason);

  /// One line for logs and reports: "shrink_bounds filters_0 -> [16, 32] (dec_layers @ trial 4)".
  std::string ToString() const;
  nlohmann::json ToJson() const;
  static SpaceEdit FromJson(const nlohmann::json& json);
};

/// An ordered set of dimensions plus the history of edits applied to it.
class SearchSpace {
 public:
  SearchSpace() = default;
  /// Validates every dimension (ConfigError naming the dimension and the problem).
  explicit SearchSpace(std::vector<Dimension> dimensions);

  const std::vector<Dimension>& dimensions() const { return dimensions_; }
  /// Edits applied since construction, in order.
  const std::vector<SpaceEdit>& history() const { return history_; }
  bool Has(const std::string& name) const { return Find(name) != nullptr; }
  const Dimension* Find(const std::string& name) const;
  /// The dimension called `name`; ConfigError listing the dimensions if there is none.
  const Dimension& At(const std::string& name) const;
  /// Names of dimensions that are not fixed (the ones a strategy chooses).
  std::vector<std::string> FreeNames() const;

  /// Applies and records an edit; ConfigError (space unchanged) if it is invalid.
  void Apply(const SpaceEdit& edit);

  /// Every dimension at its default value.
  Params Defaults() const;
  /// Uniform sample (log-uniform on log dimensions); fixed dimensions take their value.
  Params Sample(std::mt19937_64& rng) const;
  /// `params` restricted to this space: removed dimensions dropped, missing ones filled with
  /// their past value (or default), fixed ones set, numeric values clipped into the bounds,
  /// unknown labels replaced by the default. The result is always Contains()-valid.
  Params Project(const Params& params) const;
  /// True when params has exactly the space's dimensions, each inside its domain.
  bool Contains(const Params& params) const;
  /// Like Contains but throws ConfigError saying which value is wrong and what is allowed.
  void Validate(const Params& params) const;

  /// Length of the unit-cube encoding: one coordinate per free numeric dimension, one per
  /// choice of a free categorical dimension (one-hot). Fixed dimensions have none.
  int EncodedSize() const;
  /// Encodes a candidate: numeric values map linearly (or in log) to [0, 1] using the current
  /// bounds — old values outside the bounds land outside [0, 1] (clamped to [-1, 2]) so past
  /// observations stay usable after an edit; categoricals one-hot (an unknown label: all 0).
  /// Missing dimensions take their past value or default.
  Eigen::VectorXd Encode(const Params& params) const;
  /// Inverse of Encode for points of the cube: clamps to [0, 1], rounds integers, takes the
  /// arg-max of each one-hot block. Always returns a Contains()-valid candidate.
  Params Decode(const Eigen::VectorXd& x) const;
  /// Encode(Decode(x)): the cube point of the candidate x stands for (integers and one-hot
  /// blocks snapped) — the GP kernel is evaluated on snapped points (Garrido-Merchán and
  /// Hernández-Lobato 2020).
  Eigen::VectorXd Snap(const Eigen::VectorXd& x) const;

  nlohmann::json ToJson() const;  ///< dimensions only (the history is stored as edits)
  static SearchSpace FromJson(const nlohmann::json& json);

 private:
  std::vector<Dimension> dimensions_;
  std::vector<SpaceEdit> history_;
};

/// The search space of seed-000 (Symbolic DNN-Tuner) over the CNN template parameters of
/// docs/nn.md: filters_0 16..64, filters_1 64..128, units_0 256..512, conv/dense dropout 0..0.5,
/// learning_rate 1e-4..1e-3 (log), batch_size 16..256, optimizer, activation; the structural
/// parameters fixed at their template values (conv_blocks 2, convs_per_block 2, dense_layers 1,
/// kernel_size 3, batch_norm 0, pool max, augment 0).
SearchSpace Seed000Space();

/// Stable deterministic key of a candidate (for duplicate detection): its JSON text.
std::string ParamsKey(const Params& params);

}  // namespace symnas::search
