// Built-ins that look at the program itself: clause/2 and clause/3 (the stored clauses) and
// subquery/2..5 (a nested exact inference whose probability becomes a term), as ProbLog 2's
// _builtin_clause, _builtin_clause3 and _builtin_subquery.
#include <string>
#include <vector>

#include "grounder.hpp"
#include "symnas/logic/inference.hpp"

namespace symnas::logic {

namespace {

const Term* ListOf(TermArena& arena, const std::vector<const Term*>& items) {
  return arena.List(std::span<const Term* const>(items.data(), items.size()));
}

}  // namespace

// clause(Head, Body) and clause(Head, Body, Prob): one solution per stored clause whose head and
// body unify. Variables left unbound print as ProbLog's V_<number> (the clause's own numbering).
void Grounder::SolveClauseLookup(const Term* goal, Cont k) {
  const Symbols& sym = Symbols::Get();
  const Term* head = m_.Deref(goal->args[0]);
  if (head->kind != TermKind::kVar && !head->IsCallable()) {
    throw GroundingError("Invalid argument types for call: clause/" + std::to_string(goal->arity) +
                             " expects a callable head, got '" + ToString(m_.Resolve(head)) + "'",
                         m_.where, "CallModeError");
  }
  std::vector<int> indices;
  if (head->kind == TermKind::kVar) {
    for (std::size_t i = 0; i < program_.clauses().size(); ++i) {
      if (!program_.clauses()[i].library) indices.push_back(static_cast<int>(i));
    }
  } else if (auto def = program_.Lookup(head->name, head->arity); def.refs) {
    if (def.clauses != &program_.clauses()) return;  // library predicates are not listed
    for (ClauseRef ref : *def.refs) {
      if (indices.empty() || indices.back() != ref.clause) indices.push_back(ref.clause);
    }
  }
  TermArena& arena = m_.arena();
  for (int index : indices) {
    const Clause& c = program_.clauses()[static_cast<std::size_t>(index)];
    auto mark = m_.GetMark();
    std::int64_t base = m_.NewVars(c.num_vars);
    const Term* h = c.heads.size() == 1 ? c.heads[0] : ListOf(arena, c.heads);
    const Term* b = c.body ? c.body : arena.Atom(sym.true_);
    const Term* p = nullptr;
    if (goal->arity == 3) {
      if (!c.probabilistic())
        p = arena.Float(1.0);
      else
        p = c.probs.size() == 1 ? c.probs[0] : ListOf(arena, c.probs);
    }
    bool ok = m_.Unify(goal->args[0], m_.Rename(h, base)) &&
              m_.Unify(goal->args[1], m_.Rename(b, base)) &&
              (!p || m_.Unify(goal->args[2], m_.Rename(p, base)));
    if (ok) {
      for (int v = 0; v < c.num_vars; ++v) {
        const Term* var = m_.Deref(m_.Rename(arena.Var(v), base));
        if (var->kind == TermKind::kVar) m_.Unify(var, arena.Atom("V_" + std::to_string(v)));
      }
      k();
    }
    m_.Undo(mark);
  }
}

// subquery(Goal, P [, Evidence [, Semiring, Evaluator]]): P(answer | Evidence) of every answer of
// Goal by a separate exact inference over the same program; the result is deterministic. The
// semiring and evaluator names are accepted and ignored (probabilities are exact here).
void Grounder::SolveSubquery(const Term* goal, Cont k) {
  const Term* query = m_.Resolve(goal->args[0]);
  if (!query->IsCallable()) {
    throw GroundingError("Invalid argument types for call: subquery/" +
                             std::to_string(goal->arity) + " expects a callable goal",
                         m_.where, "CallModeError");
  }
  Program sub = program_;
  sub.ClearQueriesAndEvidence();
  sub.AddQuery(ToString(query));
  if (goal->arity >= 3) {
    const Symbols& sym = Symbols::Get();
    const Term* list = m_.Resolve(goal->args[2]);
    for (; list->Is(sym.dot, 2); list = list->args[1])
      sub.AddEvidence(ToString(list->args[0]), true);
  }
  InferenceOptions options;
  if (options_.meter) options.limits = options_.meter->limits();
  std::vector<QueryAnswer> answers = Infer(sub, options);
  for (const QueryAnswer& a : answers) {
    std::vector<ParsedClause> parsed = ParseProgramText(a.atom + ".", "<subquery>", *gp_.arena);
    if (parsed.size() != 1) continue;
    auto mark = m_.GetMark();
    const Term* answer = parsed[0].num_vars
                             ? m_.Rename(parsed[0].term, m_.NewVars(parsed[0].num_vars))
                             : parsed[0].term;
    if (m_.Unify(goal->args[0], answer) &&
        m_.Unify(goal->args[1], m_.arena().Float(RoundFloat15(a.probability)))) {
      k();
    }
    m_.Undo(mark);
  }
}

}  // namespace symnas::logic
