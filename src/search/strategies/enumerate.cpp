// EnumerableSize and Enumerate: the candidates of a space without real dimensions, listed.
#include "enumerate.hpp"

namespace symnas::search {

double EnumerableSize(const SearchSpace& space) {
  double size = 1.0;
  for (const auto& d : space.dimensions()) {
    if (d.fixed) continue;
    if (d.kind == DimKind::kCategorical) {
      size *= static_cast<double>(d.choices.size());
    } else if (d.kind == DimKind::kInt) {
      size *= d.high - d.low + 1.0;
    } else {
      return 0.0;
    }
  }
  return size;
}

std::vector<Params> Enumerate(const SearchSpace& space) {
  std::vector<Params> out{space.Defaults()};
  for (const auto& d : space.dimensions()) {
    if (d.fixed) continue;
    std::vector<Value> values;
    if (d.kind == DimKind::kCategorical) {
      for (const auto& c : d.choices) values.emplace_back(c);
    } else {
      for (auto v = static_cast<std::int64_t>(d.low); v <= static_cast<std::int64_t>(d.high); ++v)
        values.emplace_back(v);
    }
    std::vector<Params> next;
    next.reserve(out.size() * values.size());
    for (const auto& p : out) {
      for (const auto& v : values) {
        next.push_back(p);
        next.back()[d.name] = v;
      }
    }
    out = std::move(next);
  }
  return out;
}

}  // namespace symnas::search
