// Goal resolution of the grounder: control constructs (',', ';', if-then-else, once, findall,
// call/N), built-ins, negation as failure over a complete sub-derivation, user predicates.
#include <string>
#include <vector>

#include "externs.hpp"
#include "grounder.hpp"

namespace symnas::logic {

// Dispatch on the goal's functor: one branch per control construct, then the built-in table,
// then tabled user predicates. Kept in one function so the order of precedence is visible.
void Grounder::Solve(const Term* goal, Cont k) {
  const Symbols& sym = Symbols::Get();
  static const Symbol kCall = Intern("call");
  CheckStack("The proof", m_.where);
  if (options_.meter) options_.meter->Check("grounding", BytesInUse());
  goal = m_.Deref(goal);
  if (goal->kind == TermKind::kVar) {
    throw GroundingError("Goal is an unbound variable", m_.where, "InstantiationError");
  }
  if (!goal->IsCallable()) {
    throw GroundingError("Goal is not callable: " + ToString(goal), m_.where, "TypeError");
  }
  Symbol name = goal->name;
  std::uint32_t arity = goal->arity;
  if (arity == 2 && name == sym.comma) {
    const Term* rest = goal->args[1];
    Solve(goal->args[0], [&] { Solve(rest, k); });
    return;
  }
  static const Symbol kArrow = Intern("->");
  static const Symbol kOnce = Intern("once");
  static const Symbol kFindall = Intern("findall");
  if (arity == 2 && name == sym.semicolon) {
    const Term* left = m_.Deref(goal->args[0]);
    if (left->Is(kArrow, 2)) {
      IfThenElse(left->args[0], left->args[1], goal->args[1], k);
      return;
    }
    Solve(goal->args[0], k);
    Solve(goal->args[1], k);
    return;
  }
  if (arity == 2 && name == kArrow) {
    IfThenElse(goal->args[0], goal->args[1], nullptr, k);
    return;
  }
  if (arity == 1 && name == kOnce) {
    IfThenElse(goal->args[0], nullptr, nullptr, k);
    return;
  }
  static const Symbol kAll = Intern("all"), kAllOrNone = Intern("all_or_none");
  if (arity == 3 && (name == kFindall || name == kAll || name == kAllOrNone)) {
    FindAll(
        goal,
        name == kFindall ? AllMode::kFindall : (name == kAll ? AllMode::kAll : AllMode::kAllOrNone),
        k);
    return;
  }
  if (arity == 1 && (name == sym.not_provable || name == sym.not_)) {
    SolveNegation(goal->args[0], k);
    return;
  }
  if (arity == 0 && name == sym.true_) {
    k();
    return;
  }
  if (arity == 0 && (name == sym.fail || name == sym.false_)) return;
  if (name == kCall && arity >= 1) {
    const Term* inner = m_.Deref(goal->args[0]);
    if (arity == 1) {
      Solve(inner, k);
      return;
    }
    if (!inner->IsCallable()) {
      throw GroundingError("call/N: not callable", m_.where, "TypeError");
    }
    std::vector<const Term*> args(inner->args, inner->args + inner->arity);
    for (std::uint32_t i = 1; i < arity; ++i) args.push_back(goal->args[i]);
    Solve(m_.arena().Compound(inner->name, args, inner->line, inner->column), k);
    return;
  }
  static const Symbol kClause = Intern("clause"), kSubquery = Intern("subquery");
  static const Symbol kTryCall = Intern("try_call");
  if (name == kTryCall && arity == 1) {
    SolveTry(goal->args[0], k);
    return;
  }
  if (name == kClause && (arity == 2 || arity == 3)) {
    SolveClauseLookup(goal, k);
    return;
  }
  if (name == kSubquery && arity >= 2 && arity <= 5) {
    SolveSubquery(goal, k);
    return;
  }
  if (BuiltinFn fn = FindBuiltin(name, arity)) {
    fn(m_, goal, k);
    return;
  }
  if (const ExternFunction* f = program_.FindExtern(name, arity)) {
    CallExtern(m_, *f, goal, k);
    return;
  }
  CallTabled(goal, k);
}

// (C -> T ; E) and once/1 with Prolog's meaning (first solution of C). The condition must be
// deterministic: committing to a probabilistic solution has no distribution semantics.
void Grounder::IfThenElse(const Term* cond, const Term* then, const Term* otherwise, Cont k) {
  bool found = false;
  std::size_t base = lits_.size();
  Solve(cond, [&] {
    if (found) return;
    if (lits_.size() != base) {
      throw GroundingError("The condition of if-then-else or once/1 must be deterministic",
                           m_.where, "NonDeterministicCondition");
    }
    found = true;
    if (then)
      Solve(then, k);
    else
      k();
  });
  if (!found && otherwise) Solve(otherwise, k);
}

void Grounder::SolveNegation(const Term* goal, Cont k, bool negative_head) {
  std::string key = negative_head ? "h" : "n";
  m_.AppendVariantKey(key, goal);
  int node = 0;
  auto cached = negation_cache_.find(key);
  if (cached != negation_cache_.end()) {
    node = cached->second;
  } else {
    node = gp_.AddAtom(nullptr);
    auto mark = m_.GetMark();
    WithBarrier([&] {
      auto add = [&] { gp_.AddBody(node, lits_); };
      if (negative_head)  // the clauses with head \+goal (ProbLog's negative head literals)
        CallTabled(m_.arena().Compound(*Symbols::Get().not_provable, {goal}), add);
      else
        Solve(goal, add);
    });
    m_.Undo(mark);
    negation_cache_.emplace(std::move(key), node);
  }
  const GroundNode& n = gp_.node(node);
  if (n.is_true) return;
  if (n.bodies.empty()) {
    k();
    return;
  }
  lits_.push_back(-node);
  k();
  lits_.pop_back();
}

// try_call(G): as call(G), but a goal without any definition fails, also inside conjunctions
// and disjunctions (ProbLog turns the UnknownClause of the call into failure).
void Grounder::SolveTry(const Term* goal, Cont k) {
  const Symbols& sym = Symbols::Get();
  goal = m_.Deref(goal);
  if (goal->Is(sym.comma, 2)) {
    const Term* rest = goal->args[1];
    SolveTry(goal->args[0], [&] { SolveTry(rest, k); });
    return;
  }
  if (goal->Is(sym.semicolon, 2)) {
    SolveTry(goal->args[0], k);
    SolveTry(goal->args[1], k);
    return;
  }
  if (goal->IsCallable() && !IsControl(goal) && !FindBuiltin(goal->name, goal->arity) &&
      !program_.Lookup(goal->name, goal->arity).refs &&
      !program_.FindExtern(goal->name, goal->arity)) {
    return;
  }
  Solve(goal, k);
}

// True for the goals Solve handles itself (control constructs and reflective built-ins).
bool Grounder::IsControl(const Term* goal) {
  static const std::vector<std::pair<Symbol, int>> kControl = {
      {Intern(","), 2},       {Intern(";"), 2},      {Intern("->"), 2},
      {Intern("\\+"), 1},     {Intern("not"), 1},    {Intern("once"), 1},
      {Intern("findall"), 3}, {Intern("all"), 3},    {Intern("all_or_none"), 3},
      {Intern("true"), 0},    {Intern("fail"), 0},   {Intern("false"), 0},
      {Intern("clause"), 2},  {Intern("clause"), 3}, {Intern("try_call"), 1}};
  for (auto [name, arity] : kControl) {
    if (goal->name == name && static_cast<int>(goal->arity) == arity) return true;
  }
  static const Symbol kCall = Intern("call"), kSubquery = Intern("subquery");
  return (goal->name == kCall && goal->arity >= 1) ||
         (goal->name == kSubquery && goal->arity >= 2 && goal->arity <= 5);
}

// True when clauses with a negative head literal (`p::\+a :- b.`) may match `call`.
bool Grounder::HasNegativeHeads(const Term* call) {
  auto def = program_.Lookup(Symbols::Get().not_provable, 1);
  if (!def.refs) return false;
  for (ClauseRef ref : *def.refs) {
    const Term* h = (*def.clauses)[ref.clause].heads[ref.head]->args[0];
    if (h->kind == TermKind::kVar || (h->name == call->name && h->arity == call->arity))
      return true;
  }
  return false;
}

}  // namespace symnas::logic
