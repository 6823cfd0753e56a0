// Pareto tools: dominance, NSGA-II non-dominated sorting and crowding distance (Deb et al. 2002),
// exact hypervolume by sweeps (2-D) and slices of 2-D fronts along the third objective (3-D).
#include "symnas/search/pareto.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "symnas/common/error.hpp"

namespace symnas::search {

bool Dominates(const ObjectivePoint& a, const ObjectivePoint& b) {
  bool strictly = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) strictly = true;
  }
  return strictly;
}

std::vector<std::vector<std::size_t>> NonDominatedSort(const std::vector<ObjectivePoint>& points) {
  const std::size_t n = points.size();
  for (const auto& p : points) {
    if (p.size() != points.front().size()) throw ConfigError("objective vectors differ in length");
  }
  // Steps: count for each point how many dominate it and list whom it dominates; peel fronts.
  std::vector<std::vector<std::size_t>> dominated(n);
  std::vector<std::size_t> count(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      if (Dominates(points[i], points[j])) {
        dominated[i].push_back(j);
        ++count[j];
      } else if (Dominates(points[j], points[i])) {
        dominated[j].push_back(i);
        ++count[i];
      }
    }
  }
  std::vector<std::vector<std::size_t>> fronts;
  std::vector<std::size_t> current;
  for (std::size_t i = 0; i < n; ++i) {
    if (count[i] == 0) current.push_back(i);
  }
  while (!current.empty()) {
    std::vector<std::size_t> next;
    for (std::size_t i : current) {
      for (std::size_t j : dominated[i]) {
        if (--count[j] == 0) next.push_back(j);
      }
    }
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(current));
    current = std::move(next);
  }
  return fronts;
}

std::vector<double> CrowdingDistance(const std::vector<ObjectivePoint>& points,
                                     const std::vector<std::size_t>& front) {
  const std::size_t n = front.size();
  std::vector<double> distance(n, 0.0);
  if (n == 0) return distance;
  const double inf = std::numeric_limits<double>::infinity();
  for (std::size_t m = 0; m < points[front[0]].size(); ++m) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](auto a, auto b) { return points[front[a]][m] < points[front[b]][m]; });
    double lo = points[front[order.front()]][m], hi = points[front[order.back()]][m];
    distance[order.front()] = distance[order.back()] = inf;
    if (hi == lo) continue;
    for (std::size_t k = 1; k + 1 < n; ++k) {
      distance[order[k]] += (points[front[order[k + 1]]][m] - points[front[order[k - 1]]][m]) / (hi - lo);
    }
  }
  return distance;
}

namespace {

/// 2-D hypervolume of (x, y) points strictly better than (rx, ry): sort by x, sweep keeping the
/// best y seen so far; each point adds the strip between its x and the next improvement.
double Hypervolume2D(std::vector<std::pair<double, double>> pts, double rx, double ry) {
  std::sort(pts.begin(), pts.end());
  double volume = 0.0, best_y = ry;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    if (pts[i].second >= best_y) continue;
    // The region right of x_i up to the reference, between y_i and the best y so far.
    volume += (rx - pts[i].first) * (best_y - pts[i].second);
    best_y = pts[i].second;
  }
  return volume;
}

}  // namespace

double Hypervolume(const std::vector<ObjectivePoint>& points, const ObjectivePoint& reference) {
  const std::size_t d = reference.size();
  if (d < 1 || d > 3) {
    throw ConfigError(fmt::format("exact hypervolume is implemented for 1 to 3 objectives, not {}", d));
  }
  std::vector<ObjectivePoint> inside;
  for (const auto& p : points) {
    if (p.size() != d) throw ConfigError("objective vector and reference point differ in length");
    bool ok = true;
    for (std::size_t i = 0; i < d; ++i) ok = ok && p[i] < reference[i];
    if (ok) inside.push_back(p);
  }
  if (inside.empty()) return 0.0;
  if (d == 1) {
    double best = inside[0][0];
    for (const auto& p : inside) best = std::min(best, p[0]);
    return reference[0] - best;
  }
  if (d == 2) {
    std::vector<std::pair<double, double>> pts;
    for (const auto& p : inside) pts.emplace_back(p[0], p[1]);
    return Hypervolume2D(std::move(pts), reference[0], reference[1]);
  }
  // 3-D: sort by z; between consecutive z levels the dominated cross-section is the 2-D
  // hypervolume of all points with z at or below the slab's lower level.
  std::sort(inside.begin(), inside.end(), [](const auto& a, const auto& b) { return a[2] < b[2]; });
  double volume = 0.0;
  std::vector<std::pair<double, double>> slab;
  for (std::size_t i = 0; i < inside.size(); ++i) {
    slab.emplace_back(inside[i][0], inside[i][1]);
    double z_next = i + 1 < inside.size() ? inside[i + 1][2] : reference[2];
    if (z_next > inside[i][2]) {
      volume += Hypervolume2D(slab, reference[0], reference[1]) * (z_next - inside[i][2]);
    }
  }
  return volume;
}

}  // namespace symnas::search
