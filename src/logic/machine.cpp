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
  // Neither is an unbound variable now: atoms and numbers unify iff they are equal.
  if (a->kind != TermKind::kCompound || b->kind != TermKind::kCompound) {
    return StructurallyEqual(a, b);
  }
  if (a->name != b->name || a->arity != b->arity) return false;
  if (a->ground && b->ground) return StructurallyEqual(a, b);
  for (std::uint32_t i = 0; i + 1 < a->arity; ++i) {
    if (!Unify(a->args[i], b->args[i])) return false;
  }
  return Unify(a->args[a->arity - 1], b->args[b->arity - 1]);
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

std::uint32_t Machine::HashCons(const std::string& node_key) {
  auto [it, inserted] =
      hash_cons_.try_emplace(node_key, static_cast<std::uint32_t>(hash_cons_.size()));
  (void)inserted;
  return it->second;
}

std::int64_t Machine::GroundId(const Term* t) {
  t = Deref(t);
  if (t->kind == TermKind::kVar) return -1;
  if (t->ground) {
    auto it = ground_ids_.find(t);
    if (it != ground_ids_.end()) return it->second;
  }
  std::string node;
  switch (t->kind) {
    case TermKind::kAtom:
      node += 'a';
      AppendRaw(node, &t->name, sizeof t->name);
      break;
    case TermKind::kInt:
      node += 'i';
      AppendRaw(node, &t->int_value, sizeof t->int_value);
      break;
    case TermKind::kFloat:
      node += 'f';
      AppendRaw(node, &t->float_value, sizeof t->float_value);
      break;
    case TermKind::kCompound:
      node += 'c';
      AppendRaw(node, &t->name, sizeof t->name);
      AppendRaw(node, &t->arity, sizeof t->arity);
      for (std::uint32_t i = 0; i < t->arity; ++i) {
        std::int64_t id = GroundId(t->args[i]);
        if (id < 0) return -1;
        auto id32 = static_cast<std::uint32_t>(id);
        AppendRaw(node, &id32, sizeof id32);
      }
      break;
    case TermKind::kVar:
      return -1;
  }
  std::uint32_t id = HashCons(node);
  if (t->ground) ground_ids_.emplace(t, id);
  return id;
}

std::int64_t Machine::KeyRec(const Term* t, std::string& out, std::vector<std::int64_t>& seen) {
  t = Deref(t);
  if (t->kind == TermKind::kVar) {
    std::size_t k = 0;
    while (k < seen.size() && seen[k] != t->var) ++k;
    if (k == seen.size()) seen.push_back(t->var);
    out += 'v';
    auto k32 = static_cast<std::uint32_t>(k);
    AppendRaw(out, &k32, sizeof k32);
    return -1;
  }
  if (t->ground) return GroundId(t);
  // A compound with variables that may all be bound: emit its structure, and if every
  // argument turns out ground, replace that by the node's id.
  std::size_t start = out.size();
  out += 'c';
  AppendRaw(out, &t->name, sizeof t->name);
  AppendRaw(out, &t->arity, sizeof t->arity);
  bool all_ground = true;
  for (std::uint32_t i = 0; i < t->arity; ++i) {
    std::int64_t id = KeyRec(t->args[i], out, seen);
    if (id >= 0) {
      out += 'g';
      auto id32 = static_cast<std::uint32_t>(id);
      AppendRaw(out, &id32, sizeof id32);
    } else {
      all_ground = false;
    }
  }
  if (!all_ground) return -1;
  // Rebuild the node key from the argument ids: 'c' name arity then per argument 'g' id.
  std::string node = out.substr(start);
  out.resize(start);
  std::string hc;
  hc += 'c';
  hc.append(node, 1, sizeof t->name + sizeof t->arity);
  for (std::size_t pos = 1 + sizeof t->name + sizeof t->arity; pos < node.size(); pos += 5) {
    hc.append(node, pos + 1, 4);
  }
  return HashCons(hc);
}

void Machine::AppendVariantKey(std::string& key, const Term* t) {
  std::vector<std::int64_t> seen;
  std::int64_t id = KeyRec(t, key, seen);
  if (id >= 0) {
    key += 'g';
    auto id32 = static_cast<std::uint32_t>(id);
    AppendRaw(key, &id32, sizeof id32);
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
      case TermKind::kVar:
        return 0;
      case TermKind::kInt:
      case TermKind::kFloat:
        return 1;
      case TermKind::kAtom:
        return 3;
      case TermKind::kCompound:
        return 4;
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

}  // namespace symnas::logic
