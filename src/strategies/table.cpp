// The full strategy table: search's strategies, then the tuner's (see table.hpp).
#include "symnas/strategies/table.hpp"

#include "symnas/tuner/strategies.hpp"

namespace symnas::strategies {

const std::vector<search::StrategyEntry>& Strategies() {
  static const std::vector<search::StrategyEntry> kStrategies = [] {
    std::vector<search::StrategyEntry> all = search::SearchStrategies();
    for (const auto& entry : tuner::TunerStrategies()) all.push_back(entry);
    return all;
  }();
  return kStrategies;
}

const search::StrategyEntry& FindStrategy(const std::string& name) {
  return search::FindStrategyIn(Strategies(), name);
}

std::string StrategyNames() { return search::StrategyNames(Strategies()); }

std::unique_ptr<search::Strategy> MakeStrategy(const std::string& name,
                                               search::StrategyContext context) {
  return search::MakeStrategyFrom(FindStrategy(name), std::move(context));
}

}  // namespace symnas::strategies
