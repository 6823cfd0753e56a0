// The tuner's entries of the strategy table: `symbolic` (CNN spaces) and `symbolic_nb201`
// (NAS-Bench-201 cells). symnas::strategies::Strategies() lists them after search's own.
#pragma once

#include <vector>

#include "symnas/search/strategy.hpp"

namespace symnas::tuner {

/// The symbolic tuners as strategy-table entries.
const std::vector<search::StrategyEntry>& TunerStrategies();

}  // namespace symnas::tuner
