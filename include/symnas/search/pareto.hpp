// Multi-objective tools over objective vectors in the minimisation convention: dominance,
// non-dominated sorting (Deb et al. 2002), crowding distance, exact hypervolume in 2-D and 3-D.
#pragma once

#include <cstddef>
#include <vector>

namespace symnas::search {

/// A point in objective space; every component is minimised.
using ObjectivePoint = std::vector<double>;

/// True when a is no worse than b in every component and strictly better in one.
bool Dominates(const ObjectivePoint& a, const ObjectivePoint& b);

/// Fast non-dominated sorting (NSGA-II): fronts[0] holds the indices of the non-dominated
/// points, fronts[1] those dominated only by fronts[0], ... Duplicates share a front.
/// ConfigError if the points differ in dimension.
std::vector<std::vector<std::size_t>> NonDominatedSort(const std::vector<ObjectivePoint>& points);

/// Crowding distance (NSGA-II) of each point of `front` (indices into points), in the same
/// order; boundary points of each objective get +infinity.
std::vector<double> CrowdingDistance(const std::vector<ObjectivePoint>& points,
                                     const std::vector<std::size_t>& front);

/// Exact hypervolume dominated by `points` and bounded by `reference` (which every counted
/// point must be strictly better than in every component; points that are not are ignored).
/// 2-D: sweep, O(n log n); 3-D: slice sweep over the third objective with a 2-D front per slice,
/// O(n^2 log n). 1-D is supported too; ConfigError for other dimensions.
double Hypervolume(const std::vector<ObjectivePoint>& points, const ObjectivePoint& reference);

}  // namespace symnas::search
