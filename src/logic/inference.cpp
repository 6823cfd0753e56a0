// Inference driver: Program -> ground program -> formula -> acyclic formula -> BDDs -> P(q | e).
#include "symnas/logic/inference.hpp"

#include <algorithm>
#include <cstdio>

#include "symnas/logic/bdd.hpp"
#include "symnas/logic/errors.hpp"
#include "symnas/logic/formula.hpp"
#include "symnas/logic/ground.hpp"
#include "symnas/logic/wmc.hpp"

namespace symnas::logic {

namespace {

void SplitAtom(const GroundProgram& gp, int node, QueryAnswer& a) {
  const Term* t = gp.node(node).term;
  if (!t) return;
  if (t->kind == TermKind::kCompound) {
    a.functor = *t->name;
    for (std::uint32_t i = 0; i < t->arity; ++i) a.args.push_back(ToString(t->args[i]));
  } else if (t->kind == TermKind::kAtom) {
    a.functor = *t->name;
  }
}

}  // namespace

std::vector<QueryAnswer> Infer(const Program& program, const InferenceOptions& options,
                               InferenceStats* stats) {
  ResourceMeter meter(options.limits);
  GroundOptions ground_options;
  ground_options.meter = &meter;
  GroundProgram gp = Ground(program, ground_options);
  std::vector<Lit> roots;
  for (const GroundQuery& q : gp.queries) roots.push_back(q.node);
  for (const GroundEvidence& e : gp.evidence) roots.push_back(e.value ? e.node : -e.node);
  std::vector<Lit> mapped, acyclic_roots;
  LogicFormula formula = BuildFormula(gp, roots, mapped);
  LogicFormula acyclic = BreakCycles(formula, mapped, acyclic_roots);

  BddManager manager(options.max_bdd_nodes);
  const std::size_t ground_bytes = gp.arena->bytes() + gp.nodes.size() * (sizeof(GroundNode) + 64);
  manager.SetMeter(&meter, ground_bytes);
  BddVarMap vars;
  BddCompiler compiler(acyclic, manager, vars);
  compiler.OrderVariables(acyclic_roots);
  std::size_t nq = gp.queries.size();
  BddManager::Ref evidence = BddManager::kTrue;
  for (std::size_t i = nq; i < acyclic_roots.size(); ++i) {
    evidence = manager.And(evidence, compiler.Compile(acyclic_roots[i]));
    if (evidence == BddManager::kFalse) {
      throw InconsistentEvidenceError("Inconsistent evidence detected: '" +
                                      gp.evidence[i - nq].text + "'");
    }
  }
  std::vector<BddManager::Ref> joint(nq);
  for (std::size_t i = 0; i < nq; ++i) {
    joint[i] = manager.And(compiler.Compile(acyclic_roots[i]), evidence);
  }
  auto weights = ProbabilityWeights(gp, vars, &program.tunable_values());
  auto counts = WeightedCountAll<ProbabilitySemiring>(manager, weights);
  double p_evidence = counts[evidence];
  if (!(p_evidence > 0.0)) {
    throw InconsistentEvidenceError("Inconsistent evidence: the evidence has probability 0");
  }
  std::vector<QueryAnswer> answers;
  for (std::size_t i = 0; i < nq; ++i) {
    QueryAnswer a;
    a.atom = gp.queries[i].text;
    a.probability = counts[joint[i]] / p_evidence;
    SplitAtom(gp, gp.queries[i].node, a);
    answers.push_back(std::move(a));
  }
  std::stable_sort(answers.begin(), answers.end(),
                   [](const QueryAnswer& x, const QueryAnswer& y) { return x.atom < y.atom; });
  answers.erase(
      std::unique(answers.begin(), answers.end(),
                  [](const QueryAnswer& x, const QueryAnswer& y) { return x.atom == y.atom; }),
      answers.end());
  if (stats) {
    stats->ground_nodes = gp.nodes.size();
    stats->formula_nodes = static_cast<std::size_t>(acyclic.size());
    stats->bdd_nodes = manager.size();
    stats->bdd_vars = vars.var_owner.size();
  }
  return answers;
}

std::string FormatAnswers(const std::vector<QueryAnswer>& answers) {
  std::string out;
  char buf[64];
  for (const QueryAnswer& a : answers) {
    std::snprintf(buf, sizeof buf, "%.15g", a.probability);
    out += a.atom + "\t" + buf + "\n";
  }
  return out;
}

}  // namespace symnas::logic
