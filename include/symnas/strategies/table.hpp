// The one table of every search strategy a study can name: the search layer's own
// (search::SearchStrategies) followed by the symbolic tuners (tuner::TunerStrategies). This
// layer sits above search and tuner so that neither links the other back.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "symnas/search/strategy.hpp"

namespace symnas::strategies {

/// Every strategy, search layer's first.
const std::vector<search::StrategyEntry>& Strategies();
/// The entry called `name`; UnknownNameError listing every valid name otherwise.
const search::StrategyEntry& FindStrategy(const std::string& name);
/// Comma-separated list of every strategy name.
std::string StrategyNames();
/// Looks up `name`, resolves context.options against its defaults and builds the strategy.
std::unique_ptr<search::Strategy> MakeStrategy(const std::string& name,
                                               search::StrategyContext context);

}  // namespace symnas::strategies
