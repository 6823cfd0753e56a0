// The tuning action table: search space + diagnosed trial -> recorded space edits.
// The actions of Symbolic DNN-Tuner (Fraccaroli et al. 2022; Bellodi et al. 2023, Fig. 3) over
// the CNN template parameters of docs/nn.md, plus the hardware actions of symnas.
#include "symnas/tuner/actions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "symnas/common/error.hpp"
#include "symnas/common/name_table.hpp"
#include "symnas/search/cnn_template.hpp"

namespace symnas::tuner {

using search::Dimension;
using search::DimKind;
using search::SearchSpace;
using search::SpaceEdit;
using search::SpaceEditKind;

namespace {

/// Template default of a structural parameter (conv_blocks, batch_norm, ...; docs/nn.md).
std::int64_t TemplateDefault(const std::string& name) { return search::CnnTemplateInt(name); }

bool IsNumeric(const Dimension& dim) { return dim.kind != DimKind::kCategorical; }

/// Pins structural parameter `name` to `value`: a fix edit if the space has the dimension,
/// otherwise a new fixed dimension whose past value is the template default.
SpaceEdit SetStructural(const SearchSpace& space, const std::string& name, std::int64_t value,
                        const search::EditReason& reason) {
  if (space.Has(name)) return SpaceEdit::Fix(name, search::Value{value}, reason);
  return SpaceEdit::Add(Dimension::Fixed(name, search::Value{value}),
                        search::Value{TemplateDefault(name)}, reason);
}

/// Dimensions named <prefix><digits> (filters_0, units_1, ...), in space order.
std::vector<const Dimension*> LayerDims(const SearchSpace& space, const std::string& prefix) {
  std::vector<const Dimension*> dims;
  for (const auto& dim : space.dimensions()) {
    if (search::CnnLayerIndex(dim.name, prefix) && IsNumeric(dim)) dims.push_back(&dim);
  }
  return dims;
}

/// Scales the bounds of an integer layer dimension by `factor` (both bounds move the same
/// way, kept within [1, cap]); a fixed one is re-pinned to its scaled value. Returns false if
/// nothing changes.
bool ScaleLayer(const Dimension& dim, double factor, double cap, const search::EditReason& reason,
                std::vector<SpaceEdit>& edits) {
  // Round away from the old value so that repeated application always makes progress.
  const auto scale = [&](double v) {
    const double scaled =
        factor > 1.0 ? std::ceil(v * factor - 1e-9) : std::floor(v * factor + 1e-9);
    return std::clamp(scaled, 1.0, cap);
  };
  if (dim.fixed) {
    const double old_value = search::AsDouble(dim.default_value);
    const double new_value = scale(old_value);
    if (new_value == old_value) return false;
    edits.push_back(SpaceEdit::Fix(dim.name, search::Value{std::llround(new_value)}, reason));
    return true;
  }
  const double low = scale(dim.low);
  const double high = std::max(low, scale(dim.high));
  if (low == dim.low && high == dim.high) return false;
  edits.push_back(SpaceEdit::Bounds(SpaceEditKind::kShiftBounds, dim.name, low, high, reason));
  return true;
}

ActionOutcome NotApplicable(std::string why) { return {{}, std::move(why)}; }

ActionOutcome Described(std::vector<SpaceEdit> edits) {
  std::string note;
  for (const auto& edit : edits) note += (note.empty() ? "" : "; ") + edit.ToString();
  return {std::move(edits), std::move(note)};
}

ActionOutcome RegL2(const ActionContext& c, const ActionEntry& e) {
  std::vector<SpaceEdit> edits;
  if (!c.space.Has("weight_decay")) {
    const double low = e.Param("weight_decay_low");
    auto dim = Dimension::Real("weight_decay", low, e.Param("weight_decay_high"),
                               e.Param("weight_decay_default"), search::Scale::kLog);
    // Past trials had no L2 penalty; the smallest value of the range stands for it.
    edits.push_back(SpaceEdit::Add(std::move(dim), search::Value{low}, c.reason));
  }
  if (StructuralValue(c.space, "batch_norm") != 1) {
    edits.push_back(SetStructural(c.space, "batch_norm", 1, c.reason));
  }
  if (edits.empty()) return NotApplicable("weight_decay and batch_norm are already on");
  return Described(std::move(edits));
}

ActionOutcome DataAugmentation(const ActionContext& c, const ActionEntry&) {
  if (StructuralValue(c.space, "augment") == 1) return NotApplicable("augment is already on");
  return Described({SetStructural(c.space, "augment", 1, c.reason)});
}

ActionOutcome IncDropout(const ActionContext& c, const ActionEntry& e) {
  std::vector<SpaceEdit> edits;
  for (const char* name : {"conv_dropout", "dense_dropout"}) {
    const Dimension* dim = c.space.Find(name);
    if (dim == nullptr || dim->fixed || !IsNumeric(*dim)) continue;
    const double low = std::min(dim->low + e.Param("step"), dim->high);
    if (low <= dim->low) continue;
    edits.push_back(
        SpaceEdit::Bounds(SpaceEditKind::kShrinkBounds, name, low, dim->high, c.reason));
  }
  if (edits.empty()) return NotApplicable("no free dropout dimension below its upper bound");
  return Described(std::move(edits));
}

/// Moves the learning-rate range by `factor` (both bounds), within [min_lr, max_lr].
ActionOutcome ScaleLearningRate(const ActionContext& c, double factor, double min_lr,
                                double max_lr) {
  const Dimension* dim = c.space.Find("learning_rate");
  if (dim == nullptr || !IsNumeric(*dim)) return NotApplicable("no learning_rate dimension");
  const auto scale = [&](double v) { return std::clamp(v * factor, min_lr, max_lr); };
  if (dim->fixed) {
    const double old_value = search::AsDouble(dim->default_value);
    if (scale(old_value) == old_value) return NotApplicable("learning_rate is at its limit");
    return Described({SpaceEdit::Fix("learning_rate", search::Value{scale(old_value)}, c.reason)});
  }
  const double low = scale(dim->low);
  const double high = std::max(low, scale(dim->high));
  if (low == dim->low && high == dim->high) return NotApplicable("learning_rate is at its limit");
  return Described(
      {SpaceEdit::Bounds(SpaceEditKind::kShiftBounds, "learning_rate", low, high, c.reason)});
}

ActionOutcome DecrLr(const ActionContext& c, const ActionEntry& e) {
  return ScaleLearningRate(c, 1.0 / e.Param("factor"), e.Param("min_lr"), 1.0);
}

ActionOutcome IncLr(const ActionContext& c, const ActionEntry& e) {
  return ScaleLearningRate(c, e.Param("factor"), 0.0, e.Param("max_lr"));
}

/// Scales every filters_i and units_i dimension by `factor`.
ActionOutcome ScaleNeurons(const ActionContext& c, const ActionEntry& e, double factor) {
  std::vector<SpaceEdit> edits;
  for (const Dimension* dim : LayerDims(c.space, "filters_")) {
    ScaleLayer(*dim, factor, e.Param("max_filters"), c.reason, edits);
  }
  for (const Dimension* dim : LayerDims(c.space, "units_")) {
    ScaleLayer(*dim, factor, e.Param("max_units"), c.reason, edits);
  }
  if (edits.empty()) return NotApplicable("no filters_i/units_i dimension can move");
  return Described(std::move(edits));
}

ActionOutcome IncNeurons(const ActionContext& c, const ActionEntry& e) {
  return ScaleNeurons(c, e, e.Param("factor"));
}

ActionOutcome DecNeurons(const ActionContext& c, const ActionEntry& e) {
  return ScaleNeurons(c, e, 1.0 / e.Param("factor"));
}

ActionOutcome IncBatchSize(const ActionContext& c, const ActionEntry& e) {
  const Dimension* dim = c.space.Find("batch_size");
  if (dim == nullptr || dim->fixed || !IsNumeric(*dim)) {
    return NotApplicable("no free batch_size dimension");
  }
  const double low = std::min(std::round(dim->low * e.Param("factor")), dim->high);
  if (low <= dim->low) return NotApplicable("batch_size lower bound is at the upper bound");
  return Described(
      {SpaceEdit::Bounds(SpaceEditKind::kShrinkBounds, "batch_size", low, dim->high, c.reason)});
}

/// Smaller batches: more optimiser steps per epoch, which is what an undertrained network needs
/// when the number of epochs is fixed (low-fidelity training).
ActionOutcome DecBatchSize(const ActionContext& c, const ActionEntry& e) {
  const Dimension* dim = c.space.Find("batch_size");
  if (dim == nullptr || dim->fixed || !IsNumeric(*dim)) {
    return NotApplicable("no free batch_size dimension");
  }
  const double high = std::max(std::round(dim->high / e.Param("factor")), dim->low);
  if (high >= dim->high) return NotApplicable("batch_size upper bound is at the lower bound");
  return Described(
      {SpaceEdit::Bounds(SpaceEditKind::kShrinkBounds, "batch_size", dim->low, high, c.reason)});
}

/// A new per-layer dimension `prefix + index` with the bounds of the previous layer's
/// dimension (or `low..high`), default `fallback_default` clipped into them.
SpaceEdit NewLayerDim(const SearchSpace& space, const std::string& prefix, std::int64_t index,
                      double low, double high, double fallback_default,
                      const search::EditReason& reason) {
  if (index > 0) {
    const Dimension* previous = space.Find(prefix + std::to_string(index - 1));
    if (previous != nullptr && IsNumeric(*previous) && !previous->fixed) {
      low = previous->low;
      high = previous->high;
    }
  }
  const auto value = static_cast<std::int64_t>(std::clamp(fallback_default, low, high));
  auto dim = Dimension::Int(prefix + std::to_string(index), static_cast<std::int64_t>(low),
                            static_cast<std::int64_t>(high), value);
  return SpaceEdit::Add(std::move(dim), search::Value{value}, reason);
}

/// True if the trial's candidate, moved into the space the edits make, can be built.
bool StillBuildable(const ActionContext& c, const std::vector<SpaceEdit>& edits) {
  if (!c.buildable) return true;
  SearchSpace edited = c.space;
  for (const auto& edit : edits) edited.Apply(edit);
  return c.buildable(edited.Project(c.trial_params));
}

ActionOutcome NewFcLayer(const ActionContext& c, const ActionEntry& e) {
  const std::int64_t layers = StructuralValue(c.space, "dense_layers");
  const auto max_layers = static_cast<std::int64_t>(e.Param("max_layers"));
  if (layers >= max_layers) {
    return NotApplicable(fmt::format("already {} dense layers (max {})", layers, max_layers));
  }
  std::vector<SpaceEdit> edits{SetStructural(c.space, "dense_layers", layers + 1, c.reason)};
  if (!c.space.Has("units_" + std::to_string(layers))) {
    edits.push_back(NewLayerDim(c.space, "units_", layers, 64, 512, 256, c.reason));
  }
  if (!StillBuildable(c, edits)) return NotApplicable("the network would not build");
  return Described(std::move(edits));
}

ActionOutcome NewConvLayer(const ActionContext& c, const ActionEntry& e) {
  const std::int64_t blocks = StructuralValue(c.space, "conv_blocks");
  const auto max_blocks = static_cast<std::int64_t>(e.Param("max_blocks"));
  if (blocks >= max_blocks) {
    return NotApplicable(fmt::format("already {} conv blocks (max {})", blocks, max_blocks));
  }
  std::vector<SpaceEdit> edits{SetStructural(c.space, "conv_blocks", blocks + 1, c.reason)};
  if (!c.space.Has("filters_" + std::to_string(blocks))) {
    edits.push_back(NewLayerDim(c.space, "filters_", blocks, 64, 128, 128, c.reason));
  }
  if (!StillBuildable(c, edits)) {
    return NotApplicable("one more pooled block would shrink the feature map below 1x1");
  }
  return Described(std::move(edits));
}

ActionOutcome DecLayers(const ActionContext& c, const ActionEntry&) {
  const std::int64_t blocks = StructuralValue(c.space, "conv_blocks");
  if (blocks > 1) {
    // The last block goes with its convolutions, activations, batch norm, pooling, dropout.
    std::vector<SpaceEdit> edits{SetStructural(c.space, "conv_blocks", blocks - 1, c.reason)};
    const std::string last = "filters_" + std::to_string(blocks - 1);
    if (c.space.Has(last)) edits.push_back(SpaceEdit::Remove(last, c.reason));
    return Described(std::move(edits));
  }
  const std::int64_t convs = StructuralValue(c.space, "convs_per_block");
  if (convs > 1) return Described({SetStructural(c.space, "convs_per_block", convs - 1, c.reason)});
  return NotApplicable("already a single convolution");
}

ActionOutcome DecConvsPerBlock(const ActionContext& c, const ActionEntry&) {
  const std::int64_t convs = StructuralValue(c.space, "convs_per_block");
  if (convs <= 1) return NotApplicable("already one convolution per block");
  return Described({SetStructural(c.space, "convs_per_block", convs - 1, c.reason)});
}

ActionOutcome DecWidestLayer(const ActionContext& c, const ActionEntry& e) {
  // The widest conv block (by the trial's value) among those that can still shrink.
  const Dimension* widest = nullptr;
  double widest_value = 0.0;
  for (const Dimension* dim : LayerDims(c.space, "filters_")) {
    const auto it = c.trial_params.find(dim->name);
    const double value = dim->fixed                   ? search::AsDouble(dim->default_value)
                         : it != c.trial_params.end() ? search::AsDouble(it->second)
                                                      : dim->high;
    const double target = std::max(1.0, std::round(value * e.Param("factor")));
    const bool can_shrink = dim->fixed ? target < value : std::max(dim->low, target) < dim->high;
    if (can_shrink && (widest == nullptr || value > widest_value)) {
      widest = dim;
      widest_value = value;
    }
  }
  if (widest == nullptr) return NotApplicable("no filters_i dimension can shrink");
  const double target = std::max(1.0, std::round(widest_value * e.Param("factor")));
  if (widest->fixed) {
    return Described({SpaceEdit::Fix(widest->name, search::Value{std::llround(target)}, c.reason)});
  }
  return Described({SpaceEdit::Bounds(SpaceEditKind::kShrinkBounds, widest->name, widest->low,
                                      std::max(widest->low, target), c.reason)});
}

/// Pins the activation of every conv and dense layer to relu (a categorical fix).
ActionOutcome ReluActivation(const ActionContext& c, const ActionEntry&) {
  const Dimension* dim = c.space.Find("activation");
  if (dim == nullptr) return NotApplicable("no activation dimension (the template's relu is used)");
  if (dim->fixed && search::AsString(dim->default_value) == "relu") {
    return NotApplicable("activation is already relu");
  }
  return Described({SpaceEdit::Fix("activation", search::Value{std::string("relu")}, c.reason)});
}

}  // namespace

double ActionEntry::Param(const std::string& param_name) const {
  for (const auto& param : params) {
    if (param_name == param.name) return param.default_value.get<double>();
  }
  throw std::logic_error(fmt::format("action {} has no parameter {}", name, param_name));
}

const std::vector<ActionEntry>& TuningActions() {
  static const std::vector<ActionEntry> kActions = {
      {"reg_l2",
       "add an L2 weight-decay dimension (log range) and turn batch norm on",
       {{"weight_decay_low", 1e-6, "lower bound of the new weight_decay dimension", 1e-9, 1e-2},
        {"weight_decay_high", 0.1, "upper bound of the new weight_decay dimension", 1e-4, 1.0},
        {"weight_decay_default", 1e-4, "its default value", 1e-9, 1.0}},
       "",
       &RegL2},
      {"data_augmentation",
       "turn data augmentation on (random shifts of 10%, flips if allowed)",
       {},
       "",
       &DataAugmentation},
      {"inc_dropout",
       "raise the lower bound of every free dropout dimension",
       {{"step", 0.1, "how much each lower bound rises", 0.01, 0.5}},
       "",
       &IncDropout},
      {"decr_lr",
       "move the learning-rate range down by a factor",
       {{"factor", std::sqrt(10.0), "both bounds are divided by it (half a decade)", 1.1, 100.0},
        {"min_lr", 1e-5, "no bound goes below it (10x below seed-000's lower bound)", 1e-12, 1e-3}},
       "inc_lr",
       &DecrLr},
      {"inc_lr",
       "move the learning-rate range up by a factor",
       {{"factor", std::sqrt(10.0), "both bounds are multiplied by it", 1.1, 100.0},
        {"max_lr", 0.01, "no bound goes above it (10x seed-000's upper bound)", 1e-3, 10.0}},
       "decr_lr",
       &IncLr},
      {"inc_neurons",
       "move the filters_i / units_i ranges up by a factor",
       {{"factor", 1.25, "both bounds are multiplied by it", 1.01, 4.0},
        {"max_filters", 1024, "cap on filters", 8, 8192},
        {"max_units", 4096, "cap on units", 8, 65536}},
       "dec_neurons",
       &IncNeurons},
      {"dec_neurons",
       "move the filters_i / units_i ranges down by a factor",
       {{"factor", 1.25, "both bounds are divided by it", 1.01, 4.0},
        {"max_filters", 1024, "cap on filters", 8, 8192},
        {"max_units", 4096, "cap on units", 8, 65536}},
       "inc_neurons",
       &DecNeurons},
      {"inc_batch_size",
       "raise the lower bound of batch_size by a factor",
       {{"factor", 2.0, "the lower bound is multiplied by it", 1.1, 8.0}},
       "dec_batch_size",
       &IncBatchSize},
      {"dec_batch_size",
       "lower the upper bound of batch_size by a factor (more steps per epoch)",
       {{"factor", 2.0, "the upper bound is divided by it", 1.1, 8.0}},
       "inc_batch_size",
       &DecBatchSize},
      {"new_fc_layer",
       "add a hidden dense layer (dense_layers + 1) and its units_i dimension",
       {{"max_layers", 3, "no action beyond this many hidden dense layers", 1, 8}},
       "",
       &NewFcLayer},
      {"new_conv_layer",
       "add a convolution block (conv_blocks + 1) and its filters_i dimension",
       {{"max_blocks", 6, "no action beyond this many conv blocks", 1, 12}},
       "dec_layers",
       &NewConvLayer},
      {"dec_layers",
       "remove the last conv block with its pooling, batch norm and dropout (never below one "
       "convolution: with one block left, one convolution per block less)",
       {},
       "new_conv_layer",
       &DecLayers},
      {"dec_convs_per_block",
       "one convolution less in every block (never below one)",
       {},
       "",
       &DecConvsPerBlock},
      {"dec_widest_layer",
       "cap the widest conv block's filters at a fraction of its value",
       {{"factor", 0.5, "new upper bound = factor * the trial's filters", 0.1, 0.95}},
       "inc_neurons",
       &DecWidestLayer},
      {"relu_activation",
       "pin the activation of every layer to relu (non-negative outputs: the next layer's uint8 "
       "int8 input spends no levels on negative values)",
       {},
       "",
       &ReluActivation},
  };
  return kActions;
}

std::vector<std::string> ActionNames() {
  std::vector<std::string> names;
  for (const auto& entry : TuningActions()) names.emplace_back(entry.name);
  return names;
}

const ActionEntry& FindAction(const std::string& name) {
  return FindByName(TuningActions(), "tuning action", name);
}

ActionOutcome ApplyAction(const std::string& name, const ActionContext& context) {
  const ActionEntry& entry = FindAction(name);
  ActionContext stamped = context;
  stamped.reason.action = name;
  ActionOutcome outcome = entry.apply(stamped, entry);
  SearchSpace check = context.space;
  for (const auto& edit : outcome.edits) check.Apply(edit);  // ConfigError: a bug of the action
  return outcome;
}

std::int64_t StructuralValue(const SearchSpace& space, const std::string& name) {
  const Dimension* dim = space.Find(name);
  if (dim == nullptr) return TemplateDefault(name);
  return search::AsInt(dim->default_value);
}

}  // namespace symnas::tuner
