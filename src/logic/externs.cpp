// Calls of Python externals (python_bridge.cpp runs Python): terms go as JSON (ints, floats,
// atoms as strings, lists, {"f", "args"} compounds), checked and converted as ProbLog's extern.py.
#include "externs.hpp"

#include <nlohmann/json.hpp>

#include "symnas/logic/errors.hpp"

namespace symnas::logic {

namespace {

using nlohmann::json;

bool IsProperList(const Machine& m, const Term* t) {
  const Symbols& sym = Symbols::Get();
  for (t = m.Deref(t); t->Is(sym.dot, 2); t = m.Deref(t->args[1])) {
  }
  return t->IsAtom(sym.nil);
}

json Encode(const Machine& m, const Term* t) {
  const Symbols& sym = Symbols::Get();
  t = m.Deref(t);
  switch (t->kind) {
    case TermKind::kVar:
      return nullptr;
    case TermKind::kInt:
      return t->int_value;
    case TermKind::kFloat:
      return t->float_value;
    case TermKind::kAtom:
      return t->IsAtom(sym.nil) ? json::array() : json(*t->name);
    case TermKind::kCompound:
      break;
  }
  if (IsProperList(m, t)) {
    json items = json::array();
    for (; t->Is(sym.dot, 2); t = m.Deref(t->args[1])) items.push_back(Encode(m, t->args[0]));
    return items;
  }
  json args = json::array();
  for (std::uint32_t i = 0; i < t->arity; ++i) args.push_back(Encode(m, t->args[i]));
  return {{"f", *t->name}, {"args", std::move(args)}};
}

const Term* Decode(Machine& m, const json& v, const std::string& function,
                   const SourceLocation& where) {
  TermArena& arena = m.arena();
  if (v.is_number_integer()) return arena.Int(v.get<std::int64_t>());
  if (v.is_number_float()) return arena.Float(RoundFloat15(v.get<double>()));
  if (v.is_string()) return arena.Atom(v.get<std::string>());
  if (v.is_array()) {
    std::vector<const Term*> items;
    for (const json& x : v) items.push_back(Decode(m, x, function, where));
    return arena.List(items);
  }
  if (v.is_object() && v.contains("f") && v.contains("args")) {
    std::vector<const Term*> args;
    for (const json& x : v["args"]) args.push_back(Decode(m, x, function, where));
    return arena.Compound(Intern(v["f"].get<std::string>()), args);
  }
  throw GroundingError(
      "the Python external " + function + " returned " + v.dump() + ", which is not a term", where,
      "TypeError");
}

// ProbLog's mode_types for the type specifiers of problog_export ('v' when unbound is allowed).
bool Fits(const Machine& m, const Term* t, const std::string& type, bool may_be_unbound) {
  t = m.Deref(t);
  if (t->kind == TermKind::kVar) return may_be_unbound || type == "term";
  if (type == "int") return t->kind == TermKind::kInt;
  if (type == "float") return t->kind == TermKind::kFloat;
  if (type == "str") return t->kind == TermKind::kAtom;
  if (type == "list") return IsProperList(m, t);
  return true;  // term, obj
}

std::string ModeName(const std::string& type) {
  if (type == "int") return "integer";
  if (type == "str") return "string";
  if (type == "list") return "fixed_list";
  if (type == "term") return "any";
  return type == "obj" ? "object" : type;
}

}  // namespace

void CallExtern(Machine& m, const ExternFunction& f, const Term* goal, Cont k) {
  const std::string signature = f.name + "/" + std::to_string(f.arity());
  const bool raw = f.kind == ExternFunction::Kind::kRaw;
  json args = json::array();
  bool fits = true;
  std::string expected, received;
  for (std::uint32_t i = 0; i < goal->arity; ++i) {
    bool input = i < f.inputs.size();
    const std::string& type = input ? f.inputs[i] : f.outputs[i - f.inputs.size()];
    fits = fits && Fits(m, goal->args[i], type, raw || !input);
    expected += (i ? ", " : "") + ModeName(type) + (raw || !input ? " or var" : "");
    received += (i ? ", " : "") + ToString(m.Resolve(goal->args[i]));
    if (input) args.push_back(Encode(m, goal->args[i]));
  }
  if (!fits) {
    throw GroundingError("Invalid argument types for call to '" + signature + "': arguments: (" +
                             received + "), expected: (" + expected + ")",
                         m.where, "CallModeError");
  }
  json answer =
      AskPython({{"op", "call"}, {"name", signature}, {"args", std::move(args)}}, m.where);
  ThrowIfPythonError(answer, "the Python external " + signature + " failed", m.where);
  // The outputs of each result (raw: every argument) unify with the goal's arguments.
  const std::size_t first = raw ? 0 : f.inputs.size();
  for (const json& row : answer["results"]) {
    if (!row.is_array() || row.size() != goal->arity - first) {
      throw GroundingError("the Python external " + signature + " returned " + row.dump() +
                               ", expected " + std::to_string(goal->arity - first) + " values",
                           m.where, "TypeError");
    }
    Machine::Mark mark = m.GetMark();
    bool ok = true;
    for (std::size_t i = 0; ok && i < row.size(); ++i) {
      ok = m.Unify(goal->args[first + i], Decode(m, row[i], signature, m.where));
    }
    if (ok) k();
    m.Undo(mark);
  }
}

}  // namespace symnas::logic
