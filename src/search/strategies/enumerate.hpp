// Every candidate of a space of categorical and integer dimensions: shared by the strategies
// that score a whole small space (pareto_rank, path_ei).
#pragma once

#include <vector>

#include "symnas/search/space.hpp"

namespace symnas::search {

/// Number of candidates of a space of categorical / integer dimensions; 0 if it has a real one.
double EnumerableSize(const SearchSpace& space);

/// Every candidate of an enumerable space, the last free dimension varying fastest.
std::vector<Params> Enumerate(const SearchSpace& space);

}  // namespace symnas::search
