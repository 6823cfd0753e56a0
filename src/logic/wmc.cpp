// Literal weights for weighted model counting: group head probabilities -> BDD variable weights.
#include "symnas/logic/wmc.hpp"

#include <algorithm>

namespace symnas::logic {

LiteralWeights<ProbabilitySemiring> ProbabilityWeights(const GroundProgram& gp,
                                                       const BddVarMap& vars,
                                                       const std::vector<double>* tunable_values) {
  LiteralWeights<ProbabilitySemiring> w;
  w.pos.resize(vars.var_owner.size());
  w.neg.resize(vars.var_owner.size());
  for (std::size_t v = 0; v < vars.var_owner.size(); ++v) {
    auto [g, h] = vars.var_owner[v];
    const ChoiceGroup& group = gp.groups[static_cast<std::size_t>(g)];
    auto prob = [&](int i) {
      int t = group.tunable[static_cast<std::size_t>(i)];
      if (t >= 0 && tunable_values) return (*tunable_values)[static_cast<std::size_t>(t)];
      return group.probs[static_cast<std::size_t>(i)];
    };
    double before = 0.0;
    for (int i = 0; i < h; ++i) before += prob(i);
    double rest = 1.0 - before;
    double q = rest <= 1e-300 ? 0.0 : prob(h) / rest;
    q = std::clamp(q, 0.0, 1.0);
    w.pos[v] = q;
    w.neg[v] = 1.0 - q;
  }
  return w;
}

}  // namespace symnas::logic
