// The tuner's strategy-table entries (see strategies.hpp).
#include "symnas/tuner/strategies.hpp"

#include "symnas/tuner/cell_strategy.hpp"
#include "symnas/tuner/symbolic_strategy.hpp"

namespace symnas::tuner {

const std::vector<search::StrategyEntry>& TunerStrategies() {
  static const std::vector<search::StrategyEntry> kStrategies = {
      {"symbolic",
       "Symbolic DNN-Tuner (seed 000): BO proposes; ProbLog diagnosis and tuning rules edit the "
       "space after every trial; rule weights re-learnt by LFI (docs/tuner.md)",
       SymbolicStrategyParams(), &MakeSymbolicStrategy, /*shrinks_space=*/true},
      {"symbolic_nb201",
       "symbolic tuner for cell spaces (NAS-Bench-201): local search around an anchor cell; "
       "rules/nb201_*.pl diagnose each trial and fire cell moves; weights re-learnt by LFI",
       CellSymbolicParams(), &MakeCellSymbolicStrategy},
  };
  return kStrategies;
}

}  // namespace symnas::tuner
