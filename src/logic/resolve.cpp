// Goal resolution of the grounder: control constructs (',', ';', if-then-else, once, findall,
// call/N), built-ins, negation as failure over a complete sub-derivation, user predicates.
#include <string>
#include <vector>

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
  if (arity == 3 && name == kFindall) {
    FindAll(goal, k);
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
  if (BuiltinFn fn = FindBuiltin(name, arity)) {
    fn(m_, goal, k);
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

// findall(Template, Goal, List) over the deterministic solutions of Goal.
void Grounder::FindAll(const Term* goal, Cont k) {
  std::vector<std::pair<const Term*, int>> found;
  std::size_t base = lits_.size();
  Solve(goal->args[1], [&] {
    if (lits_.size() != base) {
      throw GroundingError("findall/3 is supported for deterministic goals only", m_.where,
                           "NonDeterministicCondition");
    }
    int nv = 0;
    const Term* item = m_.Canonical(goal->args[0], nv);
    found.push_back({item, nv});
  });
  auto mark = m_.GetMark();
  std::vector<const Term*> items;
  for (auto [item, nv] : found) items.push_back(nv ? m_.Rename(item, m_.NewVars(nv)) : item);
  if (m_.Unify(goal->args[2], m_.arena().List(items))) k();
  m_.Undo(mark);
}

void Grounder::SolveNegation(const Term* goal, Cont k) {
  std::string key;
  m_.AppendVariantKey(key, goal);
  int node = 0;
  auto cached = negation_cache_.find(key);
  if (cached != negation_cache_.end()) {
    node = cached->second;
  } else {
    node = gp_.AddAtom(nullptr);
    auto mark = m_.GetMark();
    WithBarrier([&] { Solve(goal, [&] { gp_.AddBody(node, lits_); }); });
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

}  // namespace symnas::logic
