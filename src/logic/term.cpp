// Term construction (interning, arenas), structural equality and the ProbLog-style printer.
#include "symnas/logic/term.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace symnas::logic {

Symbol Intern(std::string_view name) {
  static std::mutex mutex;
  static std::deque<std::string> storage;
  static std::unordered_map<std::string_view, Symbol> table;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = table.find(name);
  if (it != table.end()) return it->second;
  storage.emplace_back(name);
  Symbol s = &storage.back();
  table.emplace(std::string_view(*s), s);
  return s;
}

const Symbols& Symbols::Get() {
  static const Symbols kSymbols = {
      Intern("[]"),   Intern("."),     Intern(","),     Intern(";"),        Intern(":-"),
      Intern("\\+"),  Intern("::"),    Intern("query"), Intern("evidence"), Intern("t"),
      Intern("true"), Intern("false"), Intern("fail"),  Intern("-"),        Intern("+"),
      Intern("is"),   Intern("not")};
  return kSymbols;
}

void* TermArena::Allocate(std::size_t bytes) {
  bytes = (bytes + 15) & ~std::size_t{15};
  if (bytes > kBlockBytes / 4) {
    big_blocks_.push_back(std::make_unique<std::byte[]>(bytes));
    return big_blocks_.back().get();
  }
  if (used_ + bytes > kBlockBytes) {
    blocks_.push_back(std::make_unique<std::byte[]>(kBlockBytes));
    used_ = 0;
  }
  void* p = blocks_.back().get() + used_;
  used_ += bytes;
  return p;
}

const Term* TermArena::Atom(Symbol name, int line, int column) {
  auto* t = new (Allocate(sizeof(Term))) Term();
  t->kind = TermKind::kAtom;
  t->name = name;
  t->line = line;
  t->column = column;
  return t;
}

const Term* TermArena::Int(std::int64_t value) {
  auto* t = new (Allocate(sizeof(Term))) Term();
  t->kind = TermKind::kInt;
  t->int_value = value;
  return t;
}

const Term* TermArena::Float(double value) {
  auto* t = new (Allocate(sizeof(Term))) Term();
  t->kind = TermKind::kFloat;
  t->float_value = value;
  return t;
}

const Term* TermArena::Var(std::int64_t number) {
  auto* t = new (Allocate(sizeof(Term))) Term();
  t->kind = TermKind::kVar;
  t->ground = false;
  t->var = number;
  return t;
}

const Term* TermArena::Compound(Symbol functor, std::span<const Term* const> args, int line,
                                int column) {
  if (args.empty()) return Atom(functor, line, column);
  auto* arg_store = static_cast<const Term**>(Allocate(sizeof(const Term*) * args.size()));
  bool ground = true;
  for (std::size_t i = 0; i < args.size(); ++i) {
    arg_store[i] = args[i];
    ground = ground && args[i]->ground;
  }
  auto* t = new (Allocate(sizeof(Term))) Term();
  t->kind = TermKind::kCompound;
  t->name = functor;
  t->arity = static_cast<std::uint32_t>(args.size());
  t->args = arg_store;
  t->ground = ground;
  t->line = line;
  t->column = column;
  return t;
}

const Term* TermArena::List(std::span<const Term* const> items, const Term* tail) {
  const Term* list = tail ? tail : Atom(Symbols::Get().nil);
  for (std::size_t i = items.size(); i-- > 0;) {
    const Term* pair[2] = {items[i], list};
    list = Compound(Symbols::Get().dot, pair);
  }
  return list;
}

bool StructurallyEqual(const Term* a0, const Term* b0) {
  // An explicit stack of pairs: lists and left-deep sums are as deep as they are long.
  std::vector<std::pair<const Term*, const Term*>> todo{{a0, b0}};
  while (!todo.empty()) {
    auto [a, b] = todo.back();
    todo.pop_back();
    if (a == b) continue;
    if (a->kind != b->kind) return false;
    switch (a->kind) {
      case TermKind::kAtom:
        if (a->name != b->name) return false;
        break;
      case TermKind::kInt:
        if (a->int_value != b->int_value) return false;
        break;
      case TermKind::kFloat:
        if (a->float_value != b->float_value) return false;
        break;
      case TermKind::kVar:
        if (a->var != b->var) return false;
        break;
      case TermKind::kCompound:
        if (a->name != b->name || a->arity != b->arity) return false;
        for (std::uint32_t i = 0; i < a->arity; ++i) todo.emplace_back(a->args[i], b->args[i]);
        break;
    }
  }
  return true;
}

// ---- operators ---------------------------------------------------------------------------

namespace {
struct OpTable {
  std::unordered_map<std::string_view, OpDef> infix, prefix;
  OpTable() {
    auto add = [](auto& map, std::initializer_list<const char*> names, int p, OpType type) {
      for (const char* n : names) map[n] = OpDef{p, type};
    };
    add(infix, {":-", "-->", "<-"}, 1200, OpType::kXfx);  // ProbLog reads `h <- b` as `h :- b`
    add(infix, {";", "|"}, 1100, OpType::kXfy);
    add(infix, {"->", "*->"}, 1050, OpType::kXfy);
    add(infix, {","}, 1000, OpType::kXfy);
    add(infix, {"::"}, 1000, OpType::kXfx);
    add(infix,
        {"=", "\\=", "==", "\\==", "@<", "@>", "@=<", "@>=", "=..", "is", "=:=", "=\\=", "<", ">",
         "=<", ">="},
        700, OpType::kXfx);
    add(infix, {"=>"}, 700, OpType::kYfx);
    add(infix, {"+", "-", "/\\", "\\/", "xor"}, 500, OpType::kYfx);
    add(infix, {"*", "/", "//", "mod", "rem", "<<", ">>", "div", "rdiv"}, 400, OpType::kYfx);
    add(infix, {"**"}, 200, OpType::kXfx);
    add(infix, {"^"}, 200, OpType::kXfy);
    add(infix, {":"}, 200, OpType::kXfy);
    add(prefix, {":-", "?-"}, 1200, OpType::kFx);
    add(prefix, {"\\+"}, 900, OpType::kFy);
    add(prefix, {"-", "+", "\\"}, 200, OpType::kFy);
  }
};
const OpTable& Ops() {
  static const OpTable kOps;
  return kOps;
}
}  // namespace

const OpDef* InfixOp(std::string_view name) {
  auto it = Ops().infix.find(name);
  return it == Ops().infix.end() ? nullptr : &it->second;
}

const OpDef* PrefixOp(std::string_view name) {
  auto it = Ops().prefix.find(name);
  return it == Ops().prefix.end() ? nullptr : &it->second;
}

// ---- printing ----------------------------------------------------------------------------

double RoundFloat15(double value) {
  if (!std::isfinite(value) || std::fabs(value) >= 1e15) return value;
  // glibc's printf rounds correctly (half to even on exact ties), as Python's round does.
  char fixed[64];
  std::snprintf(fixed, sizeof fixed, "%.15f", value);
  double rounded = std::strtod(fixed, nullptr);
  return rounded == 0.0 ? std::copysign(0.0, value) : rounded;
}

std::string FormatFloat(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  double rounded = RoundFloat15(value);
  // Shortest round-trip digits, then Python's repr layout.
  char sci[64];
  auto res = std::to_chars(sci, sci + sizeof sci, rounded, std::chars_format::scientific);
  std::string s(sci, res.ptr);
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.erase(0, 1);
  std::size_t e = s.find('e');
  std::string mantissa = s.substr(0, e);
  int exponent = std::stoi(s.substr(e + 1));
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out = negative ? "-" : "";
  if (exponent >= -4 && exponent < 16) {
    if (exponent >= 0) {
      std::string int_part = digits.substr(0, std::min<std::size_t>(digits.size(), exponent + 1));
      while (static_cast<int>(int_part.size()) < exponent + 1) int_part += '0';
      std::string frac = digits.size() > static_cast<std::size_t>(exponent + 1)
                             ? digits.substr(exponent + 1)
                             : "0";
      out += int_part + "." + frac;
    } else {
      out += "0." + std::string(-exponent - 1, '0') + digits;
    }
  } else {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp_text[16];
    std::snprintf(exp_text, sizeof exp_text, "e%c%02d", exponent < 0 ? '-' : '+',
                  exponent < 0 ? -exponent : exponent);
    out += exp_text;
  }
  return out;
}

namespace {

bool IsSymbolChar(char c) { return std::strchr("+-*/\\^<>=~:.?@#&$", c) != nullptr && c != 0; }
bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool IsSymbolAtom(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!IsSymbolChar(c)) return false;
  }
  return true;
}

void AppendAtomName(std::string& out, std::string_view name) {
  // A library(db) text value keeps its quotes in its name, as ProbLog's Term("'bob'").
  bool keeps_quotes = name.size() >= 2 && name.front() == '\'' && name.back() == '\'';
  if (keeps_quotes || !AtomNeedsQuotes(name)) {
    out += name;
    return;
  }
  out += '\'';
  for (char c : name) {
    if (c == '\'')
      out += "\\'";
    else if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  out += '\'';
}

bool IsAlphaOperator(std::string_view name) { return !name.empty() && IsAlnum(name[0]); }

int TermPriority(const Term* t) {
  if (t->kind == TermKind::kCompound && t->arity == 2 && !t->Is(Symbols::Get().dot, 2)) {
    if (const OpDef* op = InfixOp(*t->name)) return op->priority;
  }
  if (t->kind == TermKind::kCompound && t->arity == 1) {
    if (const OpDef* op = PrefixOp(*t->name)) return op->priority;
  }
  return 0;
}

// The printer runs on an explicit job stack (a term to print, or literal text; parentheses are
// decided when an argument is pushed), so long lists and left-deep sums print without recursion.
// Jobs are pushed in reverse.
struct PrintJob {
  const Term* t = nullptr;  // nullptr: append `text`
  std::string_view text;
};
using PrintJobs = std::vector<PrintJob>;

void PushText(PrintJobs& jobs, std::string_view text) { jobs.push_back({nullptr, text}); }

// Pushes t as an argument under max_priority, parenthesised when its operator binds looser.
void PushArg(PrintJobs& jobs, const Term* t, int max_priority) {
  // As ProbLog's printer: arguments and list items are parenthesised only when they are
  // conjunctions (its And terms always print in parentheses; `p((a;b))` prints `p(a; b)`).
  bool paren =
      max_priority == 999 ? t->Is(Symbols::Get().comma, 2) : TermPriority(t) > max_priority;
  if (paren) PushText(jobs, ")");
  jobs.push_back({t, {}});
  if (paren) PushText(jobs, "(");
}

void PushList(PrintJobs& jobs, const Term* t) {
  const Symbols& sym = Symbols::Get();
  std::vector<const Term*> items;
  for (; t->Is(sym.dot, 2); t = t->args[1]) items.push_back(t->args[0]);
  PushText(jobs, "]");
  if (!t->IsAtom(sym.nil)) {
    PushArg(jobs, t, 999);
    PushText(jobs, " | ");
  }
  for (std::size_t i = items.size(); i-- > 0;) {
    PushArg(jobs, items[i], 999);
    if (i) PushText(jobs, ", ");
  }
  PushText(jobs, "[");
}

void PushInfix(PrintJobs& jobs, const Term* t, const OpDef& op) {
  int left_max = op.type == OpType::kYfx ? op.priority : op.priority - 1;
  int right_max = op.type == OpType::kXfy ? op.priority : op.priority - 1;
  std::string_view name = *t->name;
  // ProbLog prints a nested conjunction in parentheses (`(d, e); f`) except along its own tail.
  const Symbol comma = Symbols::Get().comma;
  // A clause body (`h :- b, c`) prints without them, as ProbLog's Clause.
  if (name != ":-" && name != "<-") {
    if (t->args[0]->Is(comma, 2)) left_max = 0;
    if (t->args[1]->Is(comma, 2) && name != ",") right_max = 0;
  }
  PushArg(jobs, t->args[1], right_max);
  if (name == ",") {
    PushText(jobs, ", ");
  } else if (name == ";" || name == "|") {
    PushText(jobs, "; ");
  } else if (name == ":-" || name == "->" || name == "*->" || name == "-->" ||
             IsAlphaOperator(name)) {
    PushText(jobs, " ");
    PushText(jobs, name);
    PushText(jobs, " ");
  } else {
    PushText(jobs, name);
  }
  PushArg(jobs, t->args[0], left_max);
}

// Prints a leaf now, or pushes the parts of a compound.
void Step(std::string& out, const Term* t, const VarNames* names, PrintJobs& jobs) {
  const Symbols& sym = Symbols::Get();
  switch (t->kind) {
    case TermKind::kAtom:
      if (IsSymbolAtom(*t->name)) {
        // ProbLog keeps the quotes of a quoted atom in its name, and its built-ins (compare/3)
        // create '<' quoted: a symbol-character atom prints quoted ('<', '+').
        out += '\'';
        out += *t->name;
        out += '\'';
        return;
      }
      AppendAtomName(out, *t->name);
      return;
    case TermKind::kInt:
      out += std::to_string(t->int_value);
      return;
    case TermKind::kFloat:
      out += FormatFloat(t->float_value);
      return;
    case TermKind::kVar:
      if (names && t->var >= 0 && static_cast<std::size_t>(t->var) < names->size() &&
          !(*names)[t->var].empty()) {
        out += (*names)[t->var];
      } else {
        out += "X" + std::to_string(t->var);
      }
      return;
    case TermKind::kCompound:
      break;
  }
  if (t->Is(sym.dot, 2)) return PushList(jobs, t);
  if (t->arity == 2) {
    if (const OpDef* op = InfixOp(*t->name)) return PushInfix(jobs, t, *op);
  }
  if (t->arity == 1) {
    if (const OpDef* op = PrefixOp(*t->name)) {
      const Term* a = t->args[0];
      // ProbLog prints -(1) as -1 only for non-numbers; a nested minus stays functional.
      if (!(t->name == sym.minus && (a->IsNumber() || a->Is(sym.minus, 1)))) {
        PushArg(jobs, a, op->type == OpType::kFy ? op->priority : op->priority - 1);
        if (IsAlphaOperator(*t->name)) PushText(jobs, " ");
        PushText(jobs, *t->name);
        return;
      }
    }
  }
  AppendAtomName(out, *t->name);
  out += '(';
  PushText(jobs, ")");
  for (std::uint32_t i = t->arity; i-- > 0;) {
    PushArg(jobs, t->args[i], 999);
    if (i) PushText(jobs, ",");
  }
}

void Append(std::string& out, const Term* t, const VarNames* names) {
  PrintJobs jobs{{t, {}}};
  while (!jobs.empty()) {
    PrintJob j = jobs.back();
    jobs.pop_back();
    if (j.t) {
      Step(out, j.t, names, jobs);
    } else {
      out += j.text;
    }
  }
}

}  // namespace

bool AtomNeedsQuotes(std::string_view name) {
  if (name.empty()) return true;
  // clause/2 names a clause's unbound variables V_0, V_1, ... as ProbLog prints them.
  if (name.size() > 2 && name.substr(0, 2) == "V_" &&
      name.find_first_not_of("0123456789", 2) == std::string_view::npos) {
    return false;
  }
  if (name == "[]" || name == "!" || name == ";" || name == "{}") return false;
  if (name[0] >= 'a' && name[0] <= 'z') {
    for (char c : name) {
      if (!IsAlnum(c)) return true;
    }
    return false;
  }
  for (char c : name) {
    if (!IsSymbolChar(c)) return true;
  }
  return false;
}

void AppendTerm(std::string& out, const Term* term, const VarNames* names) {
  Append(out, term, names);
}

std::string ToString(const Term* term, const VarNames* names) {
  std::string out;
  AppendTerm(out, term, names);
  return out;
}

}  // namespace symnas::logic
