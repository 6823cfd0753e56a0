// Printing of a Program as ProbLog prints it (Program::ToText), with the learned weights of
// t(...) parameters and one clause per binding of t(_, X, ...) templates.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "symnas/logic/program.hpp"

namespace symnas::logic {

namespace {

// `t` with the clause-local variables that have a value in `bound` replaced by it.
const Term* Substitute(const Term* t, const std::vector<const Term*>& bound, TermArena& arena) {
  // Post-order over an explicit stack: a node is rebuilt once its arguments are.
  std::vector<std::pair<const Term*, bool>> todo{{t, false}};
  std::vector<const Term*> done;
  while (!todo.empty()) {
    auto [u, expanded] = todo.back();
    todo.pop_back();
    if (u->ground || (u->kind == TermKind::kVar && !bound[static_cast<std::size_t>(u->var)])) {
      done.push_back(u);
    } else if (u->kind == TermKind::kVar) {
      done.push_back(bound[static_cast<std::size_t>(u->var)]);
    } else if (!expanded) {
      todo.push_back({u, true});
      for (std::uint32_t i = u->arity; i-- > 0;) todo.push_back({u->args[i], false});
    } else {
      std::vector<const Term*> args(done.end() - u->arity, done.end());
      done.resize(done.size() - u->arity);
      done.push_back(arena.Compound(u->name, args, u->line, u->column));
    }
  }
  return done.back();
}

}  // namespace

std::string Program::ToText(const std::vector<TunableInstance>* instances,
                            const std::vector<double>* instance_weights) const {
  std::string out;
  for (auto [kind, i] : order_) {
    if (kind == 1) {
      const QuerySpec& q = queries_[i];
      out += "query(" + ToString(q.goal, &q.var_names) + ")";
      if (q.body != nullptr) out += " :- " + ToString(q.body, &q.var_names);
      out += ".\n";
      continue;
    }
    if (kind == 2) {
      out += "evidence(" + ToString(evidence_[i].atom) + "," +
             (evidence_[i].value ? "true" : "false") + ").\n";
      continue;
    }
    if (kind == 3) {
      out += directives_[i] + "\n";
      continue;
    }
    const Clause& c = clauses_[i];
    bool templated = false;
    for (int t : c.tunable) templated = templated || (t >= 0 && !tunables_[t].args.empty());
    if (templated && instances && instance_weights) {
      out += InstancesText(c, *instances, *instance_weights);
      continue;
    }
    out += ClauseText(c, {}, {});
  }
  return out;
}

// One clause as ProbLog prints it; `weights` (per head, NaN = as stored) and the variable
// values `bound` (clause-local variable -> term) come from a t(_, X) instance.
std::string Program::ClauseText(const Clause& c, const std::vector<double>& weights,
                                const std::vector<const Term*>& bound) const {
  TermArena arena;
  auto show = [&](const Term* t) {
    return ToString(bound.empty() ? t : Substitute(t, bound, arena), &c.var_names);
  };
  std::string out;
  for (std::size_t h = 0; h < c.heads.size(); ++h) {
    if (h) out += "; ";
    if (c.probabilistic()) {
      if (h < weights.size() && !std::isnan(weights[h])) {
        out += FormatFloat(weights[h]);
      } else if (c.tunable[h] >= 0) {
        out += FormatFloat(tunable_values_[c.tunable[h]]);
      } else {
        out += show(c.probs[h]);
      }
      out += "::";
    }
    out += show(c.heads[h]);
  }
  if (c.body) out += " :- " + show(c.body);
  return out + ".\n";
}

// The clauses of the instances of a clause with t(_, X) templates: one per binding, in the order
// the bindings were met.
std::string Program::InstancesText(const Clause& c, const std::vector<TunableInstance>& instances,
                                   const std::vector<double>& weights) const {
  std::vector<std::string> keys;
  std::string out;
  for (std::size_t k = 0; k < instances.size(); ++k) {
    const TunableInstance& first = instances[k];
    if (tunables_[first.tunable].clause != static_cast<int>(&c - clauses_.data())) continue;
    if (std::find(keys.begin(), keys.end(), first.args_key) != keys.end()) continue;
    keys.push_back(first.args_key);
    std::vector<double> head_weights(c.heads.size(), std::nan(""));
    std::vector<const Term*> bound(static_cast<std::size_t>(c.num_vars), nullptr);
    for (std::size_t j = k; j < instances.size(); ++j) {
      const TunableInstance& inst = instances[j];
      const Tunable& t = tunables_[inst.tunable];
      if (t.clause != tunables_[first.tunable].clause || inst.args_key != first.args_key) continue;
      head_weights[static_cast<std::size_t>(t.head)] = weights[j];
      for (std::size_t a = 0; a < t.args.size(); ++a) {
        if (t.args[a]->kind == TermKind::kVar) bound[t.args[a]->var] = inst.values[a];
      }
    }
    out += ClauseText(c, head_weights, bound);
  }
  return out;
}

}  // namespace symnas::logic
