// Bindings and term operations of the resolution machine: unification, renaming, variant keys,
// standard order, and arithmetic with ProbLog's (Python's) numeric rules.
#include "machine.hpp"

#include <cmath>
#include <cstring>
#include <unordered_map>

#include "symnas/logic/errors.hpp"

namespace symnas::logic {

const Term* Machine::VarTerm(std::int64_t n) {
  auto idx = static_cast<std::size_t>(n);
  if (idx >= var_cache_.size()) var_cache_.resize(idx + 1, nullptr);
  if (!var_cache_[idx]) var_cache_[idx] = arena_.Var(n);
  return var_cache_[idx];
}

std::int64_t Machine::NewVars(int n) {
  auto base = static_cast<std::int64_t>(bindings_.size());
  bindings_.resize(bindings_.size() + static_cast<std::size_t>(n), nullptr);
  return base;
}

void Machine::Undo(Mark mark) {
  while (trail_.size() > mark.trail) {
    bindings_[static_cast<std::size_t>(trail_.back())] = nullptr;
    trail_.pop_back();
  }
  bindings_.resize(mark.vars);
}

bool Machine::Unify(const Term* a, const Term* b) {
  a = Deref(a);
  b = Deref(b);
  if (a == b) return true;
  if (a->kind == TermKind::kVar) {
    if (b->kind == TermKind::kVar && b->var > a->var) std::swap(a, b);  // bind younger
    bindings_[static_cast<std::size_t>(a->var)] = b;
    trail_.push_back(a->var);
    return true;
  }
  if (b->kind == TermKind::kVar) {
    bindings_[static_cast<std::size_t>(b->var)] = a;
    trail_.push_back(b->var);
    return true;
  }
  if (a->kind != b->kind) return false;
  switch (a->kind) {
    case TermKind::kAtom:
      return a->name == b->name;
    case TermKind::kInt:
      return a->int_value == b->int_value;
    case TermKind::kFloat:
      return a->float_value == b->float_value;
    case TermKind::kCompound: {
      if (a->name != b->name || a->arity != b->arity) return false;
      if (a->ground && b->ground) return StructurallyEqual(a, b);
      for (std::uint32_t i = 0; i + 1 < a->arity; ++i) {
        if (!Unify(a->args[i], b->args[i])) return false;
      }
      return Unify(a->args[a->arity - 1], b->args[b->arity - 1]);
    }
    case TermKind::kVar:
      break;
  }
  return false;
}

const Term* Machine::Rename(const Term* t, std::int64_t base) {
  if (t->ground) return t;
  if (t->kind == TermKind::kVar) return VarTerm(base + t->var);
  std::vector<const Term*> args(t->arity);
  for (std::uint32_t i = 0; i < t->arity; ++i) args[i] = Rename(t->args[i], base);
  return arena_.Compound(t->name, args, t->line, t->column);
}

const Term* Machine::Resolve(const Term* t) {
  t = Deref(t);
  if (t->ground || t->kind == TermKind::kVar) return t;
  std::vector<const Term*> args(t->arity);
  bool changed = false;
  for (std::uint32_t i = 0; i < t->arity; ++i) {
    args[i] = Resolve(t->args[i]);
    changed = changed || args[i] != t->args[i];
  }
  if (!changed) return t;
  return arena_.Compound(t->name, args, t->line, t->column);
}

namespace {
const Term* CanonicalRec(Machine& m, TermArena& arena, const Term* t,
                         std::unordered_map<std::int64_t, int>& map) {
  t = m.Deref(t);
  if (t->ground) return t;
  if (t->kind == TermKind::kVar) {
    auto [it, inserted] = map.try_emplace(t->var, static_cast<int>(map.size()));
    (void)inserted;
    return arena.Var(it->second);
  }
  std::vector<const Term*> args(t->arity);
  for (std::uint32_t i = 0; i < t->arity; ++i) args[i] = CanonicalRec(m, arena, t->args[i], map);
  return arena.Compound(t->name, args, t->line, t->column);
}

void AppendRaw(std::string& key, const void* data, std::size_t n) {
  key.append(static_cast<const char*>(data), n);
}
}  // namespace

const Term* Machine::Canonical(const Term* t, int& num_vars) {
  std::unordered_map<std::int64_t, int> map;
  const Term* out = CanonicalRec(*this, arena_, t, map);
  num_vars = static_cast<int>(map.size());
  return out;
}

void Machine::AppendVariantKey(std::string& key, const Term* t) const {
  // Variables are numbered by first occurrence within this key; the numbering is encoded in
  // the key itself by scanning the var list kept in a small local vector.
  std::vector<std::int64_t> seen;
  std::vector<const Term*> stack{t};
  while (!stack.empty()) {
    const Term* x = Deref(stack.back());
    stack.pop_back();
    switch (x->kind) {
      case TermKind::kAtom:
        key += 'a';
        AppendRaw(key, &x->name, sizeof x->name);
        break;
      case TermKind::kInt:
        key += 'i';
        AppendRaw(key, &x->int_value, sizeof x->int_value);
        break;
      case TermKind::kFloat:
        key += 'f';
        AppendRaw(key, &x->float_value, sizeof x->float_value);
        break;
      case TermKind::kVar: {
        std::size_t k = 0;
        while (k < seen.size() && seen[k] != x->var) ++k;
        if (k == seen.size()) seen.push_back(x->var);
        key += 'v';
        auto k32 = static_cast<std::uint32_t>(k);
        AppendRaw(key, &k32, sizeof k32);
        break;
      }
      case TermKind::kCompound:
        key += 'c';
        AppendRaw(key, &x->name, sizeof x->name);
        AppendRaw(key, &x->arity, sizeof x->arity);
        for (std::uint32_t i = x->arity; i-- > 0;) stack.push_back(x->args[i]);
        break;
    }
  }
}

bool Machine::IsGround(const Term* t) const {
  t = Deref(t);
  if (t->ground) return true;
  if (t->kind == TermKind::kVar) return false;
  for (std::uint32_t i = 0; i < t->arity; ++i) {
    if (!IsGround(t->args[i])) return false;
  }
  return true;
}

bool Machine::Equal(const Term* a, const Term* b) const { return Compare(a, b) == 0; }

int Machine::Compare(const Term* a, const Term* b) const {
  a = Deref(a);
  b = Deref(b);
  if (a == b) return 0;
  auto rank = [](const Term* t) {
    switch (t->kind) {
      case TermKind::kVar: return 0;
      case TermKind::kInt:
      case TermKind::kFloat: return 1;
      case TermKind::kAtom: return 3;
      case TermKind::kCompound: return 4;
    }
    return 5;
  };
  int ra = rank(a), rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a->kind) {
    case TermKind::kVar:
      return a->var < b->var ? -1 : (a->var > b->var ? 1 : 0);
    case TermKind::kInt:
    case TermKind::kFloat: {
      double x = a->kind == TermKind::kInt ? static_cast<double>(a->int_value) : a->float_value;
      double y = b->kind == TermKind::kInt ? static_cast<double>(b->int_value) : b->float_value;
      if (x != y) return x < y ? -1 : 1;
      if (a->kind != b->kind) return a->kind == TermKind::kFloat ? -1 : 1;  // 1.0 @< 1
      if (a->kind == TermKind::kInt && a->int_value != b->int_value) {
        return a->int_value < b->int_value ? -1 : 1;
      }
      return 0;
    }
    case TermKind::kAtom: {
      int c = a->name->compare(*b->name);
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case TermKind::kCompound: {
      if (a->arity != b->arity) return a->arity < b->arity ? -1 : 1;
      if (a->name != b->name) {
        int c = a->name->compare(*b->name);
        return c < 0 ? -1 : 1;
      }
      for (std::uint32_t i = 0; i < a->arity; ++i) {
        int c = Compare(a->args[i], b->args[i]);
        if (c) return c;
      }
      return 0;
    }
  }
  return 0;
}

// ---- arithmetic --------------------------------------------------------------------------

namespace {

Number Int(std::int64_t v) { return {true, v, 0.0}; }
Number Flt(double v) { return {false, 0, v}; }

[[noreturn]] void ArithError(const std::string& message, const SourceLocation& where) {
  throw GroundingError(message, where, "ArithmeticError");
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::int64_t PyMod(std::int64_t a, std::int64_t b) {
  std::int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

double PyFmod(double a, double b) {
  double r = std::fmod(a, b);
  if (r != 0.0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

std::int64_t ToInt(double v, const SourceLocation& where) {
  if (!std::isfinite(v) || std::fabs(v) > 9.2e18) ArithError("integer overflow", where);
  return static_cast<std::int64_t>(v);
}

Number Checked(bool overflow, std::int64_t v, const SourceLocation& where) {
  if (overflow) ArithError("integer overflow", where);
  return Int(v);
}

}  // namespace

Number Machine::Eval(const Term* t) const {
  t = Deref(t);
  switch (t->kind) {
    case TermKind::kInt:
      return Int(t->int_value);
    case TermKind::kFloat:
      return Flt(t->float_value);
    case TermKind::kVar:
      throw GroundingError("Arithmetic on an unbound variable", where, "InstantiationError");
    case TermKind::kAtom: {
      const std::string& n = *t->name;
      if (n == "pi") return Flt(M_PI);
      if (n == "e") return Flt(M_E);
      if (n == "inf" || n == "infinite") return Flt(INFINITY);
      if (n == "nan") return Flt(NAN);
      if (n == "random") return Flt(0.5);
      throw GroundingError("Unknown arithmetic constant '" + n + "'", where, "ArithmeticError");
    }
    case TermKind::kCompound:
      break;
  }
  const std::string& op = *t->name;
  if (t->arity == 1) {
    Number x = Eval(t->args[0]);
    double d = x.AsDouble();
    if (op == "-") {
      if (x.is_int) return Checked(x.i == INT64_MIN, -x.i, where);
      return Flt(-x.f);
    }
    if (op == "+") return x;
    if (op == "abs") return x.is_int ? Checked(x.i == INT64_MIN, std::llabs(x.i), where)
                                     : Flt(std::fabs(x.f));
    if (op == "sign") return x.is_int ? Int((x.i > 0) - (x.i < 0)) : Flt((d > 0) - (d < 0));
    if (op == "sqrt") {
      if (d < 0) ArithError("math domain error in sqrt", where);
      return Flt(std::sqrt(d));
    }
    if (op == "exp") return Flt(std::exp(d));
    if (op == "log") {
      if (d <= 0) ArithError("math domain error in log", where);
      return Flt(std::log(d));
    }
    if (op == "log2") {
      if (d <= 0) ArithError("math domain error in log2", where);
      return Flt(std::log2(d));
    }
    if (op == "sin") return Flt(std::sin(d));
    if (op == "cos") return Flt(std::cos(d));
    if (op == "tan") return Flt(std::tan(d));
    if (op == "asin") return Flt(std::asin(d));
    if (op == "acos") return Flt(std::acos(d));
    if (op == "atan") return Flt(std::atan(d));
    if (op == "sinh") return Flt(std::sinh(d));
    if (op == "cosh") return Flt(std::cosh(d));
    if (op == "tanh") return Flt(std::tanh(d));
    if (op == "float") return Flt(d);
    if (op == "integer") return x.is_int ? x : Int(ToInt(std::round(d), where));
    if (op == "floor") return x.is_int ? x : Int(ToInt(std::floor(d), where));
    if (op == "ceiling" || op == "ceil") return x.is_int ? x : Int(ToInt(std::ceil(d), where));
    if (op == "round") return x.is_int ? x : Int(ToInt(std::nearbyint(d), where));
    if (op == "truncate") return x.is_int ? x : Int(ToInt(std::trunc(d), where));
    if (op == "float_integer_part") return Flt(std::trunc(d));
    if (op == "float_fractional_part") return Flt(d - std::trunc(d));
    if (op == "\\") {
      if (!x.is_int) ArithError("bitwise negation needs an integer", where);
      return Int(~x.i);
    }
  } else if (t->arity == 2) {
    Number a = Eval(t->args[0]);
    Number b = Eval(t->args[1]);
    bool ints = a.is_int && b.is_int;
    double x = a.AsDouble(), y = b.AsDouble();
    std::int64_t r = 0;
    if (op == "+") {
      if (!ints) return Flt(x + y);
      bool overflow = __builtin_add_overflow(a.i, b.i, &r);
      return Checked(overflow, r, where);
    }
    if (op == "-") {
      if (!ints) return Flt(x - y);
      bool overflow = __builtin_sub_overflow(a.i, b.i, &r);
      return Checked(overflow, r, where);
    }
    if (op == "*") {
      if (!ints) return Flt(x * y);
      bool overflow = __builtin_mul_overflow(a.i, b.i, &r);
      return Checked(overflow, r, where);
    }
    if (op == "/") {
      if (y == 0.0) ArithError("division by zero", where);
      return Flt(x / y);
    }
    if (op == "//") {
      if (y == 0.0) ArithError("integer division by zero", where);
      if (ints) {
        if (a.i == INT64_MIN && b.i == -1) ArithError("integer overflow", where);
        return Int(FloorDiv(a.i, b.i));
      }
      return Flt(std::floor(x / y));
    }
    if (op == "mod") {
      if (y == 0.0) ArithError("modulo by zero", where);
      if (ints) return Int(b.i == -1 ? 0 : PyMod(a.i, b.i));
      return Flt(PyFmod(x, y));
    }
    if (op == "rem") {
      if (y == 0.0) ArithError("modulo by zero", where);
      if (ints) return Int(b.i == -1 ? 0 : a.i % b.i);
      return Flt(std::fmod(x, y));
    }
    if (op == "div") {
      if (!ints) ArithError("div needs integers", where);
      if (b.i == 0) ArithError("integer division by zero", where);
      if (a.i == INT64_MIN && b.i == -1) ArithError("integer overflow", where);
      return Int(FloorDiv(a.i, b.i));
    }
    if (op == "min") return (y < x) ? b : a;
    if (op == "max") return (y > x) ? b : a;
    if (op == "**" || op == "^") {
      if (ints && b.i >= 0) {
        std::int64_t acc = 1, base = a.i;
        for (std::int64_t e = b.i; e > 0; --e) {
          if (__builtin_mul_overflow(acc, base, &acc)) ArithError("integer overflow", where);
          if (acc == 0 || acc == 1) break;
        }
        return Int(acc);
      }
      if (x == 0.0 && y < 0) ArithError("zero to a negative power", where);
      return Flt(std::pow(x, y));
    }
    if (op == "atan2" || op == "atan") return Flt(std::atan2(x, y));
    if (op == "copysign") return Flt(std::copysign(x, y));
    if (op == "log") {
      if (x <= 0 || y <= 0 || x == 1.0) ArithError("math domain error in log/2", where);
      return Flt(std::log(y) / std::log(x));
    }
    if (ints && (op == ">>" || op == "<<" || op == "/\\" || op == "\\/" || op == "xor")) {
      if (op == ">>") return Int(b.i >= 64 || b.i < 0 ? 0 : a.i >> b.i);
      if (op == "<<") {
        if (b.i < 0 || b.i >= 63) ArithError("shift out of range", where);
        return Int(static_cast<std::int64_t>(static_cast<std::uint64_t>(a.i) << b.i));
      }
      if (op == "/\\") return Int(a.i & b.i);
      if (op == "\\/") return Int(a.i | b.i);
      return Int(a.i ^ b.i);
    }
  }
  throw GroundingError("Unknown arithmetic function " + op + "/" + std::to_string(t->arity),
                       where, "ArithmeticError");
}

}  // namespace symnas::logic
