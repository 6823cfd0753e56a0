// The NAS-Bench-201 cell a candidate stands for, when its space has edge_0..edge_5 over the five
// cell operations (the `nasbench201` space): shared by local_search and pareto_rank.
#pragma once

#include <optional>

#include "symnas/hw/nb201.hpp"
#include "symnas/search/types.hpp"

namespace symnas::search {

/// The cell of `params` (edge_e = the op name of edge e); nullopt when a dimension is missing or
/// holds something else than an operation name.
std::optional<hw::Nb201Cell> Nb201CellOf(const Params& params);

}  // namespace symnas::search
