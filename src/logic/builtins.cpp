// Built-in predicates (one explicit table): unification and comparison, is/2 and arithmetic
// comparison, type checks, length/2, between/3, sort/2 and compare/3. Each runs its continuation
// per solution.
#include <algorithm>
#include <unordered_map>

#include "machine.hpp"
#include "symnas/logic/errors.hpp"

namespace symnas::logic {

namespace {

// Runs k if `ok`, then undoes bindings made since `mark`.
void Finish(Machine& m, Machine::Mark mark, bool ok, Cont k) {
  if (ok) k();
  m.Undo(mark);
}

void Unify(Machine& m, const Term* g, Cont k) {
  auto mark = m.GetMark();
  Finish(m, mark, m.Unify(g->args[0], g->args[1]), k);
}

void NotUnify(Machine& m, const Term* g, Cont k) {
  auto mark = m.GetMark();
  bool unifies = m.Unify(g->args[0], g->args[1]);
  m.Undo(mark);
  if (!unifies) k();
}

void Identical(Machine& m, const Term* g, Cont k) {
  if (m.Equal(g->args[0], g->args[1])) k();
}
void NotIdentical(Machine& m, const Term* g, Cont k) {
  if (!m.Equal(g->args[0], g->args[1])) k();
}

template <int kWant>
void OrderCompare(Machine& m, const Term* g, Cont k) {
  int c = m.Compare(g->args[0], g->args[1]);
  bool ok = kWant == 0 ? c < 0 : kWant == 1 ? c > 0 : kWant == 2 ? c <= 0 : c >= 0;
  if (ok) k();
}

void Is(Machine& m, const Term* g, Cont k) {
  Number n = m.Eval(g->args[1]);
  auto mark = m.GetMark();
  Finish(m, mark, m.Unify(g->args[0], m.MakeNumber(n)), k);
}

enum class Cmp { kLt, kGt, kLe, kGe, kEq, kNe };
template <Cmp kOp, typename T>
bool Holds(T x, T y) {
  return kOp == Cmp::kLt   ? x < y
         : kOp == Cmp::kGt ? x > y
         : kOp == Cmp::kLe ? x <= y
         : kOp == Cmp::kGe ? x >= y
         : kOp == Cmp::kEq ? x == y
                           : x != y;
}
/// Integers compare exactly; otherwise both sides as floats.
template <Cmp kOp>
void ArithCompare(Machine& m, const Term* g, Cont k) {
  Number a = m.Eval(g->args[0]);
  Number b = m.Eval(g->args[1]);
  const bool ok =
      a.is_int && b.is_int ? Holds<kOp>(a.i, b.i) : Holds<kOp>(a.AsDouble(), b.AsDouble());
  if (ok) k();
}

template <int kType>
void TypeCheck(Machine& m, const Term* g, Cont k) {
  const Term* t = m.Deref(g->args[0]);
  bool ok = false;
  switch (kType) {
    case 0:
      ok = t->kind == TermKind::kVar;
      break;
    case 1:
      ok = t->kind != TermKind::kVar;
      break;
    case 2:
      ok = t->kind == TermKind::kAtom;
      break;
    case 3:
      ok = t->IsNumber();
      break;
    case 4:
      ok = t->kind == TermKind::kInt;
      break;
    case 5:
      ok = t->kind == TermKind::kFloat;
      break;
    case 6:
      ok = t->kind != TermKind::kVar && t->kind != TermKind::kCompound;
      break;
    case 7:
      ok = t->kind == TermKind::kCompound;
      break;
    case 8:
      ok = m.IsGround(t);
      break;
    case 9:
      ok = t->IsCallable();
      break;
  }
  if (ok) k();
}

// As ProbLog's is_list/1 (a quirk): a partial list `[a, b|T]` counts as a list too.
void IsList(Machine& m, const Term* g, Cont k) {
  const Symbols& sym = Symbols::Get();
  const Term* t = m.Deref(g->args[0]);
  while (t->Is(sym.dot, 2)) t = m.Deref(t->args[1]);
  if (t->IsAtom(sym.nil) || t->kind == TermKind::kVar) k();
}

// sort/2: the standard order of terms, duplicates removed.
void Sort(Machine& m, const Term* g, Cont k) {
  const Symbols& sym = Symbols::Get();
  std::vector<const Term*> items;
  const Term* t = m.Deref(g->args[0]);
  for (; t->Is(sym.dot, 2); t = m.Deref(t->args[1])) items.push_back(m.Deref(t->args[0]));
  if (!t->IsAtom(sym.nil)) {
    throw GroundingError("sort/2 needs a proper list", m.where, "InstantiationError");
  }
  std::stable_sort(items.begin(), items.end(),
                   [&](const Term* a, const Term* b) { return m.Compare(a, b) < 0; });
  items.erase(std::unique(items.begin(), items.end(),
                          [&](const Term* a, const Term* b) { return m.Compare(a, b) == 0; }),
              items.end());
  auto mark = m.GetMark();
  Finish(m, mark, m.Unify(g->args[1], m.arena().List(items)), k);
}

// compare/3: Order is '<', '=' or '>' by the standard order of terms.
void CompareOrder(Machine& m, const Term* g, Cont k) {
  int c = m.Compare(g->args[1], g->args[2]);
  auto mark = m.GetMark();
  Finish(m, mark, m.Unify(g->args[0], m.arena().Atom(c < 0 ? "<" : c > 0 ? ">" : "=")), k);
}

void Length(Machine& m, const Term* g, Cont k) {
  const Symbols& sym = Symbols::Get();
  const Term* t = m.Deref(g->args[0]);
  std::int64_t n = 0;
  while (t->Is(sym.dot, 2)) {
    ++n;
    t = m.Deref(t->args[1]);
  }
  auto mark = m.GetMark();
  if (t->IsAtom(sym.nil)) {
    Finish(m, mark, m.Unify(g->args[1], m.arena().Int(n)), k);
    return;
  }
  if (t->kind != TermKind::kVar) return;  // not a list
  const Term* len = m.Deref(g->args[1]);
  if (len->kind != TermKind::kInt) {
    throw GroundingError("length/2 needs a proper list or an integer length", m.where,
                         "InstantiationError");
  }
  if (len->int_value < n) return;
  std::int64_t extra = len->int_value - n;
  if (extra > 10'000'000) throw GroundingError("length/2: list too long", m.where);
  std::vector<const Term*> items;
  std::int64_t base = m.NewVars(static_cast<int>(extra));
  for (std::int64_t i = 0; i < extra; ++i) items.push_back(m.Rename(m.arena().Var(i), base));
  Finish(m, mark, m.Unify(t, m.arena().List(items)), k);
}

void Between(Machine& m, const Term* g, Cont k) {
  Number lo = m.Eval(g->args[0]);
  Number hi = m.Eval(g->args[1]);
  if (!lo.is_int || !hi.is_int) {
    throw GroundingError("between/3 needs integer bounds", m.where, "TypeError");
  }
  const Term* x = m.Deref(g->args[2]);
  if (x->kind == TermKind::kInt) {
    if (x->int_value >= lo.i && x->int_value <= hi.i) k();
    return;
  }
  for (std::int64_t v = lo.i; v <= hi.i; ++v) {
    auto mark = m.GetMark();
    Finish(m, mark, m.Unify(x, m.arena().Int(v)), k);
    if (v == INT64_MAX) break;
  }
}

void Succ(Machine& m, const Term* g, Cont k) {
  const Term* a = m.Deref(g->args[0]);
  auto mark = m.GetMark();
  if (a->kind == TermKind::kInt) {
    if (a->int_value < 0 || a->int_value == INT64_MAX) return;
    Finish(m, mark, m.Unify(g->args[1], m.arena().Int(a->int_value + 1)), k);
    return;
  }
  const Term* b = m.Deref(g->args[1]);
  if (b->kind != TermKind::kInt) {
    throw GroundingError("succ/2 needs an integer", m.where, "InstantiationError");
  }
  if (b->int_value <= 0) return;
  Finish(m, mark, m.Unify(a, m.arena().Int(b->int_value - 1)), k);
}

// T =.. [F | Args] in both directions (ProbLog's mode "c*" or "vL").
void Univ(Machine& m, const Term* g, Cont k) {
  const Symbols& sym = Symbols::Get();
  const Term* t = m.Deref(g->args[0]);
  auto mark = m.GetMark();
  if (t->kind != TermKind::kVar) {
    std::vector<const Term*> items;
    if (t->kind == TermKind::kCompound) {
      items.push_back(m.arena().Atom(t->name));
      items.insert(items.end(), t->args, t->args + t->arity);
    } else {
      items.push_back(t);
    }
    Finish(m, mark, m.Unify(g->args[1], m.arena().List(items)), k);
    return;
  }
  std::vector<const Term*> items;
  const Term* l = m.Deref(g->args[1]);
  for (; l->Is(sym.dot, 2); l = m.Deref(l->args[1])) items.push_back(m.Deref(l->args[0]));
  if (!l->IsAtom(sym.nil) || items.empty()) {
    throw GroundingError("=../2 needs a term or a proper list", m.where, "InstantiationError");
  }
  const Term* built = items[0];
  if (items.size() > 1) {
    if (items[0]->kind != TermKind::kAtom) {
      throw GroundingError("=../2: the functor must be an atom", m.where, "TypeError");
    }
    built = m.arena().Compound(items[0]->name,
                               std::span<const Term* const>(items.data() + 1, items.size() - 1));
  }
  Finish(m, mark, m.Unify(t, built), k);
}

// '$concat'(Separator, Terms, Atom): the printed terms, quotes stripped, joined by Separator
// (ProbLog's string.py concat/2 and join/3).
void ConcatTerms(Machine& m, const Term* g, Cont k) {
  const Symbols& sym = Symbols::Get();
  auto text = [&](const Term* t) {
    std::string s = ToString(m.Resolve(t));
    std::size_t b = s.find_first_not_of('\'');
    std::size_t e = s.find_last_not_of('\'');
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  };
  std::string separator = text(g->args[0]), out;
  const Term* l = m.Deref(g->args[1]);
  for (bool first = true; l->Is(sym.dot, 2); l = m.Deref(l->args[1]), first = false) {
    if (!first) out += separator;
    out += text(l->args[0]);
  }
  if (!l->IsAtom(sym.nil)) {
    throw GroundingError("concat/2 and join/3 need a proper list", m.where, "InstantiationError");
  }
  auto mark = m.GetMark();
  Finish(m, mark, m.Unify(g->args[2], m.arena().Atom(out)), k);
}

struct KeyHash {
  std::size_t operator()(const std::pair<Symbol, std::uint32_t>& p) const {
    return std::hash<const void*>()(p.first) ^ p.second;
  }
};

const std::unordered_map<std::pair<Symbol, std::uint32_t>, BuiltinFn, KeyHash>& Table() {
  static const auto* kTable = [] {
    auto* t = new std::unordered_map<std::pair<Symbol, std::uint32_t>, BuiltinFn, KeyHash>();
    auto add = [t](const char* name, std::uint32_t arity, BuiltinFn fn) {
      (*t)[{Intern(name), arity}] = fn;
    };
    add("=", 2, &Unify);
    add("\\=", 2, &NotUnify);
    add("==", 2, &Identical);
    add("\\==", 2, &NotIdentical);
    add("@<", 2, &OrderCompare<0>);
    add("@>", 2, &OrderCompare<1>);
    add("@=<", 2, &OrderCompare<2>);
    add("@>=", 2, &OrderCompare<3>);
    add("is", 2, &Is);
    add("<", 2, &ArithCompare<Cmp::kLt>);
    add(">", 2, &ArithCompare<Cmp::kGt>);
    add("=<", 2, &ArithCompare<Cmp::kLe>);
    add(">=", 2, &ArithCompare<Cmp::kGe>);
    add("=:=", 2, &ArithCompare<Cmp::kEq>);
    add("=\\=", 2, &ArithCompare<Cmp::kNe>);
    add("var", 1, &TypeCheck<0>);
    add("nonvar", 1, &TypeCheck<1>);
    add("atom", 1, &TypeCheck<2>);
    add("number", 1, &TypeCheck<3>);
    add("integer", 1, &TypeCheck<4>);
    add("float", 1, &TypeCheck<5>);
    add("atomic", 1, &TypeCheck<6>);
    add("compound", 1, &TypeCheck<7>);
    add("ground", 1, &TypeCheck<8>);
    add("callable", 1, &TypeCheck<9>);
    add("is_list", 1, &IsList);
    add("length", 2, &Length);
    add("between", 3, &Between);
    add("succ", 2, &Succ);
    add("sort", 2, &Sort);
    add("compare", 3, &CompareOrder);
    add("=..", 2, &Univ);
    add("$concat", 3, &ConcatTerms);
    return t;
  }();
  return *kTable;
}

}  // namespace

BuiltinFn FindBuiltin(Symbol name, std::uint32_t arity) {
  const auto& table = Table();
  auto it = table.find({name, arity});
  return it == table.end() ? nullptr : it->second;
}

}  // namespace symnas::logic
