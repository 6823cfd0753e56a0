// Expected improvement (Jones et al. 1998) and its maximisation over a mixed space by
// multi-start search on snapped unit-cube points.
#pragma once

#include <Eigen/Core>
#include <functional>
#include <optional>
#include <random>
#include <vector>

#include "symnas/search/space.hpp"

namespace symnas::search::bo {

/// EI for maximisation: (m - best - xi) Phi(z) + s phi(z), z = (m - best - xi) / s; 0 if s = 0
/// and m <= best + xi.
double ExpectedImprovement(double mean, double variance, double best, double xi);

/// Settings of the acquisition search.
struct AcquisitionSearch {
  int samples = 1000;  ///< uniform candidates scored first
  int starts = 5;      ///< best candidates (plus the incumbents) refined by local search
  int local_steps = 40;
};

/// Returns the encoded point with the largest `score` (computed on snapped points, so integers
/// and one-hot blocks are honoured). Steps: score `samples` uniform samples of the space and
/// small perturbations of the incumbents; from the `starts` best, hill-climb with Gaussian
/// steps in the cube (step halved after 10 failures), snapping each proposal. Points for which
/// `reject` is true (already tried) are skipped; empty optional if every point was rejected.
std::optional<Eigen::VectorXd> MaximiseAcquisition(
    const SearchSpace& space, const std::function<double(const Eigen::VectorXd&)>& score,
    const std::vector<Eigen::VectorXd>& incumbents, const std::function<bool(const Params&)>& reject,
    const AcquisitionSearch& settings, std::mt19937_64& rng);

}  // namespace symnas::search::bo
