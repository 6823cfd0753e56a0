// EvolutionStrategy: tournament selection in the aging population and mutation.
#include "evolution.hpp"

#include <algorithm>
#include <cmath>

namespace symnas::search {

Params EvolutionStrategy::Ask() {
  const int population = std::max(2, options().value("population", 20));
  const int sample = std::clamp(options().value("sample", 5), 1, population);
  const auto& hist = history();
  if (static_cast<int>(hist.size()) < population) return SampleUntried();
  std::vector<const Observation*> members;
  for (auto it = hist.end() - population; it != hist.end(); ++it) members.push_back(&*it);
  std::shuffle(members.begin(), members.end(), rng());
  const Observation* parent = nullptr;
  for (int i = 0; i < sample; ++i) {
    const Observation* m = members[static_cast<std::size_t>(i)];
    if (!m->complete) continue;
    if (!parent || Better(*m, *parent)) parent = m;
  }
  if (!parent) return SampleUntried();
  Params child = Mutate(space().Project(parent->params));
  for (int i = 0; i < 20 && Tried(child); ++i) child = Mutate(child);
  return child;
}

Params EvolutionStrategy::Mutate(const Params& parent) {
  const auto free = space().FreeNames();
  if (free.empty()) return parent;
  const double rate = std::max(1.0, options().value("mutation_rate", 1.0));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::normal_distribution<double> gauss(0.0, 0.2);
  const std::size_t forced = std::uniform_int_distribution<std::size_t>(0, free.size() - 1)(rng());
  const double p_other = free.size() > 1 ? (rate - 1.0) / static_cast<double>(free.size() - 1) : 0;
  Params child = parent;
  for (std::size_t i = 0; i < free.size(); ++i) {
    if (i != forced && unit(rng()) >= p_other) continue;
    const Dimension& d = space().At(free[i]);
    if (d.kind == DimKind::kCategorical) {
      if (d.choices.size() < 2) continue;
      std::vector<std::string> others;
      for (const auto& c : d.choices) {
        if (c != AsString(child[d.name])) others.push_back(c);
      }
      child[d.name] = others[std::uniform_int_distribution<std::size_t>(0, others.size() - 1)(rng())];
      continue;
    }
    // Mutate in the unit coordinate of this dimension alone, via a one-dimension space.
    SearchSpace single({d});
    Eigen::VectorXd x = single.Encode({{d.name, child[d.name]}});
    Value before = child[d.name];
    for (int attempt = 0; attempt < 10 && child[d.name] == before; ++attempt) {
      x[0] = unit(rng()) < 0.2 ? unit(rng()) : x[0] + gauss(rng());
      child[d.name] = single.Decode(x).at(d.name);
    }
  }
  return child;
}

}  // namespace symnas::search
