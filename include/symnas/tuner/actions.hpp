// The tuning actions: one explicit table. Each action takes the current search space (and the
// parameters of the trial that was diagnosed) and produces the recorded space edits that carry
// it out; the name of each entry is the ProbLog atom the tuning rules use.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "symnas/common/options.hpp"
#include "symnas/search/space.hpp"
#include "symnas/search/types.hpp"

namespace symnas::tuner {

/// What an action sees when it is applied.
struct ActionContext {
  const search::SearchSpace& space;    ///< the current space
  const search::Params& trial_params;  ///< the diagnosed trial's parameters (may be empty)
  search::EditReason reason;           ///< stamped on every edit: action name + trial id
  /// Optional: true when a candidate can be built (e.g. the evaluator's EstimateCosts does not
  /// throw). Structural actions use it to refuse an edit that would make the template invalid
  /// (a conv block more than the input resolution allows). Empty: every candidate is buildable.
  std::function<bool(const search::Params&)> buildable;
};

/// The outcome of applying an action: the edits (in order), or none with the reason why the
/// action does not apply (at its limit, dimension absent, ...).
struct ActionOutcome {
  std::vector<search::SpaceEdit> edits;
  std::string note;  ///< what was done, or why nothing was
  bool Applied() const { return !edits.empty(); }
};

/// One line of the action table.
struct ActionEntry {
  const char* name;         ///< the ProbLog atom, e.g. "dec_layers"
  const char* description;  ///< one line
  /// Its constants: the default is the value used, [low, high] the sensible range.
  std::vector<OptionSpec> params;
  const char* opposite;  ///< the action that undoes this one ("" if none): never both in a step
  ActionOutcome (*apply)(const ActionContext& context, const ActionEntry& entry);

  /// The value of parameter `name` (an invariant: the table defines every name it reads).
  double Param(const std::string& name) const;
};

/// The explicit table of tuning actions.
const std::vector<ActionEntry>& TuningActions();
/// Names of all actions, in table order.
std::vector<std::string> ActionNames();
/// The entry called `name`; UnknownNameError listing every action otherwise.
const ActionEntry& FindAction(const std::string& name);

/// Applies action `name`: computes its edits and checks them on a copy of the space (an edit
/// the space rejects is a bug of the action and propagates as ConfigError). The returned edits,
/// applied in order to context.space, give a space that still contains a valid candidate.
ActionOutcome ApplyAction(const std::string& name, const ActionContext& context);

/// Value of a structural template parameter: the dimension's value if the space has it (its
/// default, which is the pinned value of a fixed dimension), else the template default of
/// docs/nn.md (conv_blocks 2, convs_per_block 2, dense_layers 1, batch_norm 0, augment 0).
std::int64_t StructuralValue(const search::SearchSpace& space, const std::string& name);

}  // namespace symnas::tuner
