// Every candidate of a space of categorical and integer dimensions: shared by the strategies
// that score a whole small space (pareto_rank, path_ei).
#pragma once

#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "symnas/search/space.hpp"

namespace symnas::search {

/// Number of candidates of a space of categorical / integer dimensions; 0 if it has a real one.
double EnumerableSize(const SearchSpace& space);

/// Every candidate of an enumerable space, the last free dimension varying fastest.
std::vector<Params> Enumerate(const SearchSpace& space);

/// The candidates a surrogate strategy scores (options `enumerate_up_to`, `pool_samples`): the
/// whole space when it is enumerable with at most enumerate_up_to candidates (`enumerated` set),
/// else max(1, pool_samples) samples drawn with `rng`.
std::vector<Params> CandidatePool(const SearchSpace& space, const nlohmann::json& options,
                                  std::mt19937_64& rng, bool& enumerated);

}  // namespace symnas::search
