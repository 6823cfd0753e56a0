// EnumerableSize and Enumerate: the candidates of a space without real dimensions, listed.
#include "enumerate.hpp"

#include <algorithm>

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

std::vector<Params> CandidatePool(const SearchSpace& space, const nlohmann::json& options,
                                  std::mt19937_64& rng, bool& enumerated) {
  const double size = EnumerableSize(space);
  enumerated = size > 0 && size <= options.value("enumerate_up_to", 20000);
  if (enumerated) return Enumerate(space);
  std::vector<Params> out;
  const int samples = std::max(1, options.value("pool_samples", 1000));
  for (int i = 0; i < samples; ++i) out.push_back(space.Sample(rng));
  return out;
}

}  // namespace symnas::search
