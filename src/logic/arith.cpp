// Arithmetic for is/2 and comparisons: expression term -> Number, with ProbLog's (Python's)
// numeric rules. Functions live in two explicit tables (unary, binary) keyed by name.
#include <cmath>
#include <unordered_map>
#include <vector>

#include "machine.hpp"
#include "symnas/logic/errors.hpp"

namespace symnas::logic {

namespace {

Number Int(std::int64_t v) { return {true, v, 0.0}; }
Number Flt(double v) { return {false, 0, v}; }

[[noreturn]] void ArithError(const std::string& message, const SourceLocation& where) {
  throw GroundingError(message, where, "ArithmeticError");
}

Number Checked(bool overflow, std::int64_t v, const SourceLocation& where) {
  if (overflow) ArithError("integer overflow", where);
  return Int(v);
}

std::int64_t ToInt(double v, const SourceLocation& where) {
  if (!std::isfinite(v) || std::fabs(v) > 9.2e18) ArithError("integer overflow", where);
  return static_cast<std::int64_t>(v);
}

// Python's floor division and modulo (sign of the divisor).
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

void NonZero(double y, const SourceLocation& where) {
  if (y == 0.0) ArithError("division by zero", where);
}
void Domain(bool ok, const char* fn, const SourceLocation& where) {
  if (!ok) ArithError(std::string("math domain error in ") + fn, where);
}

using Unary = Number (*)(Number, const SourceLocation&);
using Binary = Number (*)(Number, Number, const SourceLocation&);

// A float function of one argument (ints are converted).
template <double (*F)(double)>
Number Real(Number x, const SourceLocation&) {
  return Flt(F(x.AsDouble()));
}

// Rounding functions: ints pass through, floats become ints.
template <double (*F)(double)>
Number Rounding(Number x, const SourceLocation& where) {
  return x.is_int ? x : Int(ToInt(F(x.f), where));
}

const std::unordered_map<std::string_view, Unary>& UnaryTable() {
  static const std::unordered_map<std::string_view, Unary> kTable = {
      {"-",
       [](Number x, const SourceLocation& w) {
         return x.is_int ? Checked(x.i == INT64_MIN, -x.i, w) : Flt(-x.f);
       }},
      {"+", [](Number x, const SourceLocation&) { return x; }},
      {"abs",
       [](Number x, const SourceLocation& w) {
         return x.is_int ? Checked(x.i == INT64_MIN, x.i < 0 ? -x.i : x.i, w) : Flt(std::fabs(x.f));
       }},
      {"sign",
       [](Number x, const SourceLocation&) {
         double d = x.AsDouble();  // an integer even for floats, as in ProbLog
         return Int((d > 0) - (d < 0));
       }},
      {"sqrt",
       [](Number x, const SourceLocation& w) {
         Domain(x.AsDouble() >= 0, "sqrt", w);
         return Flt(std::sqrt(x.AsDouble()));
       }},
      {"log",
       [](Number x, const SourceLocation& w) {
         Domain(x.AsDouble() > 0, "log", w);
         return Flt(std::log(x.AsDouble()));
       }},
      {"log2",
       [](Number x, const SourceLocation& w) {
         Domain(x.AsDouble() > 0, "log2", w);
         return Flt(std::log2(x.AsDouble()));
       }},
      {"exp", &Real<std::exp>},
      {"sin", &Real<std::sin>},
      {"cos", &Real<std::cos>},
      {"tan", &Real<std::tan>},
      {"asin", &Real<std::asin>},
      {"acos", &Real<std::acos>},
      {"atan", &Real<std::atan>},
      {"sinh", &Real<std::sinh>},
      {"cosh", &Real<std::cosh>},
      {"tanh", &Real<std::tanh>},
      {"asinh", &Real<std::asinh>},
      {"acosh", &Real<std::acosh>},
      {"atanh", &Real<std::atanh>},
      {"log10", &Real<std::log10>},
      {"erf", &Real<std::erf>},
      {"erfc", &Real<std::erfc>},
      {"lgamma", &Real<std::lgamma>},
      {"gamma", &Real<std::tgamma>},
      {"float_integer_part", &Rounding<std::trunc>},  // int(f) in ProbLog
      {"float", [](Number x, const SourceLocation&) { return Flt(x.AsDouble()); }},
      {"float_fractional_part",
       [](Number x, const SourceLocation&) {
         return Flt(x.AsDouble() - std::trunc(x.AsDouble()));
       }},
      {"integer", &Rounding<std::trunc>},  // Python int(): truncates
      {"floor", &Rounding<std::floor>},
      {"ceiling", &Rounding<std::ceil>},
      {"ceil", &Rounding<std::ceil>},
      {"round", &Rounding<std::nearbyint>},  // Python rounds half to even
      {"truncate", &Rounding<std::trunc>},
      {"\\",
       [](Number x, const SourceLocation& w) {
         if (!x.is_int) ArithError("bitwise negation needs an integer", w);
         return Int(~x.i);
       }},
  };
  return kTable;
}

Number Power(Number a, Number b, const SourceLocation& w) {
  if (a.is_int && b.is_int && b.i >= 0) {
    std::int64_t acc = 1;
    for (std::int64_t e = b.i; e > 0 && acc != 0 && !(acc == 1 && a.i == 1); --e) {
      if (__builtin_mul_overflow(acc, a.i, &acc)) ArithError("integer overflow", w);
    }
    return Int(acc);
  }
  if (a.AsDouble() == 0.0 && b.AsDouble() < 0) ArithError("zero to a negative power", w);
  return Flt(std::pow(a.AsDouble(), b.AsDouble()));
}

Number IntOnly(Number a, Number b, const char* op, const SourceLocation& w) {
  if (!a.is_int || !b.is_int) ArithError(std::string(op) + " needs integers", w);
  return a;
}

const std::unordered_map<std::string_view, Binary>& BinaryTable() {
  static const std::unordered_map<std::string_view, Binary> kTable = {
      {"+",
       [](Number a, Number b, const SourceLocation& w) {
         std::int64_t r = 0;
         if (!a.is_int || !b.is_int) return Flt(a.AsDouble() + b.AsDouble());
         bool overflow = __builtin_add_overflow(a.i, b.i, &r);
         return Checked(overflow, r, w);
       }},
      {"-",
       [](Number a, Number b, const SourceLocation& w) {
         std::int64_t r = 0;
         if (!a.is_int || !b.is_int) return Flt(a.AsDouble() - b.AsDouble());
         bool overflow = __builtin_sub_overflow(a.i, b.i, &r);
         return Checked(overflow, r, w);
       }},
      {"*",
       [](Number a, Number b, const SourceLocation& w) {
         std::int64_t r = 0;
         if (!a.is_int || !b.is_int) return Flt(a.AsDouble() * b.AsDouble());
         bool overflow = __builtin_mul_overflow(a.i, b.i, &r);
         return Checked(overflow, r, w);
       }},
      {"/",
       [](Number a, Number b, const SourceLocation& w) {  // always a float
         NonZero(b.AsDouble(), w);
         return Flt(a.AsDouble() / b.AsDouble());
       }},
      {"//",
       [](Number a, Number b, const SourceLocation& w) {  // floors, like Python
         NonZero(b.AsDouble(), w);
         if (!a.is_int || !b.is_int) return Flt(std::floor(a.AsDouble() / b.AsDouble()));
         if (a.i == INT64_MIN && b.i == -1) ArithError("integer overflow", w);
         return Int(FloorDiv(a.i, b.i));
       }},
      {"div",
       [](Number a, Number b, const SourceLocation& w) {
         IntOnly(a, b, "div", w);
         NonZero(b.AsDouble(), w);
         if (a.i == INT64_MIN && b.i == -1) ArithError("integer overflow", w);
         return Int(FloorDiv(a.i, b.i));
       }},
      {"mod",
       [](Number a, Number b, const SourceLocation& w) {  // sign of the divisor
         NonZero(b.AsDouble(), w);
         if (!a.is_int || !b.is_int) return Flt(PyFmod(a.AsDouble(), b.AsDouble()));
         return Int(b.i == -1 ? 0 : PyMod(a.i, b.i));
       }},
      {"rem",
       [](Number a, Number b, const SourceLocation& w) {  // ProbLog: Python's %, like mod
         NonZero(b.AsDouble(), w);
         if (!a.is_int || !b.is_int) return Flt(PyFmod(a.AsDouble(), b.AsDouble()));
         return Int(b.i == -1 ? 0 : PyMod(a.i, b.i));
       }},
      // Python's min/max keep the first argument on ties: max(4, 4.0) is 4.
      {"min", [](Number a, Number b,
                 const SourceLocation&) { return b.AsDouble() < a.AsDouble() ? b : a; }},
      {"max", [](Number a, Number b,
                 const SourceLocation&) { return b.AsDouble() > a.AsDouble() ? b : a; }},
      {"**", &Power},
      {"exp",
       [](Number a, Number b, const SourceLocation&) {  // exp/2 is math.pow in ProbLog
         return Flt(std::pow(a.AsDouble(), b.AsDouble()));
       }},
      {"^", &Power},
      {"atan2", [](Number a, Number b,
                   const SourceLocation&) { return Flt(std::atan2(a.AsDouble(), b.AsDouble())); }},
      {"atan", [](Number a, Number b,
                  const SourceLocation&) { return Flt(std::atan2(a.AsDouble(), b.AsDouble())); }},
      {"copysign",
       [](Number a, Number b, const SourceLocation&) {
         return Flt(std::copysign(a.AsDouble(), b.AsDouble()));
       }},
      {"log",
       [](Number a, Number b, const SourceLocation& w) {  // log(Base, X)
         Domain(a.AsDouble() > 0 && a.AsDouble() != 1.0 && b.AsDouble() > 0, "log/2", w);
         return Flt(std::log(b.AsDouble()) / std::log(a.AsDouble()));
       }},
      {">>",
       [](Number a, Number b, const SourceLocation& w) {
         IntOnly(a, b, ">>", w);
         return Int(b.i >= 64 || b.i < 0 ? (a.i < 0 ? -1 : 0) : a.i >> b.i);
       }},
      {"<<",
       [](Number a, Number b, const SourceLocation& w) {
         IntOnly(a, b, "<<", w);
         if (b.i < 0 || b.i >= 63) ArithError("shift out of range", w);
         return Int(static_cast<std::int64_t>(static_cast<std::uint64_t>(a.i) << b.i));
       }},
      {"/\\",
       [](Number a, Number b, const SourceLocation& w) {
         IntOnly(a, b, "/\\", w);
         return Int(a.i & b.i);
       }},
      {"\\/",
       [](Number a, Number b, const SourceLocation& w) {
         IntOnly(a, b, "\\/", w);
         return Int(a.i | b.i);
       }},
      {"xor",
       [](Number a, Number b, const SourceLocation& w) {
         IntOnly(a, b, "xor", w);
         return Int(a.i ^ b.i);
       }},
  };
  return kTable;
}

Number Constant(const std::string& name, const SourceLocation& where) {
  if (name == "pi") return Flt(M_PI);
  if (name == "e") return Flt(M_E);
  if (name == "inf" || name == "infinite") return Flt(INFINITY);
  if (name == "nan") return Flt(NAN);
  if (name == "epsilon") return Flt(2.220446049250313e-16);
  throw GroundingError("Unknown arithmetic constant '" + name + "'", where, "ArithmeticError");
}

}  // namespace

// Post-order with explicit stacks (a 50,000-term sum is 50,000 levels deep): a function is
// looked up when its node is reached, applied once its arguments are values.
Number Machine::Eval(const Term* root) const {
  struct Item {
    const Term* t;
    Unary unary;
    Binary binary;
    std::uint32_t next;
  };
  std::vector<Item> stack;
  std::vector<Number> values;
  auto reach = [&](const Term* t) {
    t = Deref(t);
    switch (t->kind) {
      case TermKind::kInt:
        values.push_back(Int(t->int_value));
        return;
      case TermKind::kFloat:
        values.push_back(Flt(t->float_value));
        return;
      case TermKind::kVar:
        throw GroundingError("Arithmetic on an unbound variable", where, "InstantiationError");
      case TermKind::kAtom:
        values.push_back(Constant(*t->name, where));
        return;
      case TermKind::kCompound:
        break;
    }
    if (t->arity == 1) {
      auto it = UnaryTable().find(*t->name);
      if (it != UnaryTable().end()) return stack.push_back({t, it->second, nullptr, 0});
    } else if (t->arity == 2) {
      auto it = BinaryTable().find(*t->name);
      if (it != BinaryTable().end()) return stack.push_back({t, nullptr, it->second, 0});
    }
    throw GroundingError("Unknown arithmetic function " + *t->name + "/" + std::to_string(t->arity),
                         where, "ArithmeticError");
  };
  reach(root);
  while (!stack.empty()) {
    Item& it = stack.back();
    if (it.next < it.t->arity) {
      reach(it.t->args[it.next++]);
      continue;
    }
    Number r;
    if (it.unary) {
      r = it.unary(values.back(), where);
      values.pop_back();
    } else {
      r = it.binary(values[values.size() - 2], values.back(), where);
      values.resize(values.size() - 2);
    }
    values.push_back(r);
    stack.pop_back();
  }
  return values.back();
}

}  // namespace symnas::logic
