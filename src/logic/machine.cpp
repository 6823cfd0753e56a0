// Bindings and term operations of the resolution machine: unification, renaming, variant keys,
// standard order, and arithmetic with ProbLog's (Python's) numeric rules.
#include "machine.hpp"

#include <cmath>
#include <cstring>
#include <unordered_map>

#include "symnas/common/stack_guard.hpp"
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

namespace {

/// What a walk over two terms side by side does after visiting a pair.
enum class PairStep { kNext, kDescend, kStop };

/// Walks `a0` and `b0` side by side in pre-order, arguments left to right, with an explicit
/// stack of pairs (input decides the depth: no recursion, so long lists or deep terms cannot
/// overflow the C++ stack). Each pair is dereferenced under `m`'s current bindings, a pair of
/// one term is skipped; `visit(a, b)` says go on (kNext), into the arguments (kDescend: both
/// are compounds of a's arity) or stop (kStop: the walk returns false).
template <typename Visit>
bool WalkTermPairs(const Machine& m, const Term* a0, const Term* b0, Visit visit) {
  std::vector<std::pair<const Term*, const Term*>> todo{{a0, b0}};
  while (!todo.empty()) {
    const Term* a = m.Deref(todo.back().first);
    const Term* b = m.Deref(todo.back().second);
    todo.pop_back();
    if (a == b) continue;
    const PairStep step = visit(a, b);
    if (step == PairStep::kStop) return false;
    if (step == PairStep::kNext) continue;
    // Pushed in reverse so arguments are visited left to right.
    for (std::uint32_t i = a->arity; i-- > 0;) todo.emplace_back(a->args[i], b->args[i]);
  }
  return true;
}

}  // namespace

bool Machine::Unify(const Term* a0, const Term* b0) {
  return WalkTermPairs(*this, a0, b0, [this](const Term* a, const Term* b) {
    if (a->kind == TermKind::kVar) {
      if (b->kind == TermKind::kVar && b->var > a->var) std::swap(a, b);  // bind younger
      bindings_[static_cast<std::size_t>(a->var)] = b;
      trail_.push_back(a->var);
      return PairStep::kNext;
    }
    if (b->kind == TermKind::kVar) {
      bindings_[static_cast<std::size_t>(b->var)] = a;
      trail_.push_back(b->var);
      return PairStep::kNext;
    }
    // Neither is an unbound variable now: atoms unify by signature (library(db) values keep
    // their quotes), numbers iff they are equal.
    if (a->kind != TermKind::kCompound || b->kind != TermKind::kCompound) {
      const bool same = a->kind == TermKind::kAtom && b->kind == TermKind::kAtom
                            ? SameSignature(a->name, b->name)
                            : StructurallyEqual(a, b);
      return same ? PairStep::kNext : PairStep::kStop;
    }
    if (a->arity != b->arity || !SameSignature(a->name, b->name)) return PairStep::kStop;
    return PairStep::kDescend;
  });
}

namespace {

// Rebuilds a term bottom-up with an explicit stack (input decides the depth, so no recursion).
// visit(x) returns {replacement, nullptr} for a leaf, or {nullptr, node} to rebuild `node` from
// its visited arguments; a node whose arguments all come back unchanged is shared, not copied.
template <class Visit>
const Term* Rebuild(TermArena& arena, const Term* root, Visit&& visit) {
  struct Item {
    const Term* t;
    std::uint32_t next;  // next argument to visit
    std::size_t base;    // where this node's rebuilt arguments start in `done`
  };
  auto [leaf, node] = visit(root);
  if (leaf) return leaf;
  std::vector<const Term*> done;
  std::vector<Item> stack{{node, 0, 0}};
  while (true) {
    Item& it = stack.back();
    if (it.next < it.t->arity) {
      auto [l, n] = visit(it.t->args[it.next++]);
      if (l) {
        done.push_back(l);
      } else {
        std::size_t base = done.size();
        stack.push_back({n, 0, base});
      }
      continue;
    }
    const Term* t = it.t;
    std::size_t base = it.base;
    stack.pop_back();
    bool changed = false;
    for (std::uint32_t i = 0; i < t->arity; ++i) changed = changed || done[base + i] != t->args[i];
    const Term* out = changed ? arena.Compound(t->name, std::span(done.data() + base, t->arity),
                                               t->line, t->column)
                              : t;
    done.resize(base);
    if (stack.empty()) return out;
    done.push_back(out);
  }
}

using Visited = std::pair<const Term*, const Term*>;

}  // namespace

const Term* Machine::Rename(const Term* t, std::int64_t base) {
  return Rebuild(arena_, t, [&](const Term* x) -> Visited {
    if (x->ground) return {x, nullptr};
    if (x->kind == TermKind::kVar) return {VarTerm(base + x->var), nullptr};
    return {nullptr, x};
  });
}

const Term* Machine::Resolve(const Term* t) {
  return Rebuild(arena_, t, [&](const Term* x) -> Visited {
    x = Deref(x);
    if (x->ground || x->kind == TermKind::kVar) return {x, nullptr};
    return {nullptr, x};
  });
}

namespace {
void AppendRaw(std::string& key, const void* data, std::size_t n) {
  key.append(static_cast<const char*>(data), n);
}
}  // namespace

const Term* Machine::Canonical(const Term* t, int& num_vars, std::vector<std::int64_t>* globals) {
  std::unordered_map<std::int64_t, int> map;
  // Variables are numbered by first occurrence: Rebuild visits arguments left to right.
  const Term* out = Rebuild(arena_, t, [&](const Term* x) -> Visited {
    x = Deref(x);
    if (x->ground) return {x, nullptr};
    if (x->kind == TermKind::kVar) {
      auto [it, inserted] = map.try_emplace(x->var, static_cast<int>(map.size()));
      if (inserted && globals) globals->push_back(x->var);
      return {arena_.Var(it->second), nullptr};
    }
    return {nullptr, x};
  });
  num_vars = static_cast<int>(map.size());
  return out;
}

std::uint32_t Machine::HashCons(const std::string& node_key) {
  auto [it, inserted] =
      hash_cons_.try_emplace(node_key, static_cast<std::uint32_t>(hash_cons_.size()));
  (void)inserted;
  return it->second;
}

std::int64_t Machine::GroundId(const Term* root) {
  // Post-order with an explicit stack: ids of the arguments are known before their parent's.
  struct Item {
    const Term* t;
    std::uint32_t next;
  };
  std::vector<Item> stack;
  std::vector<std::uint32_t> ids;
  // The id of a term that needs no descent, -1 for an unbound variable, -2 to descend.
  auto leaf = [&](const Term* t) -> std::int64_t {
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
        return -2;
      case TermKind::kVar:
        return -1;
    }
    std::uint32_t id = HashCons(node);
    if (t->ground) ground_ids_.emplace(t, id);
    return id;
  };
  const Term* t = Deref(root);
  std::int64_t id = leaf(t);
  if (id != -2) return id;
  stack.push_back({t, 0});
  while (true) {
    Item& it = stack.back();
    if (it.next < it.t->arity) {
      const Term* a = Deref(it.t->args[it.next++]);
      std::int64_t aid = leaf(a);
      if (aid == -1) return -1;
      if (aid == -2) {
        stack.push_back({a, 0});
      } else {
        ids.push_back(static_cast<std::uint32_t>(aid));
      }
      continue;
    }
    const Term* c = it.t;
    stack.pop_back();
    std::string node;
    node += 'c';
    AppendRaw(node, &c->name, sizeof c->name);
    AppendRaw(node, &c->arity, sizeof c->arity);
    std::size_t first = ids.size() - c->arity;
    for (std::size_t i = first; i < ids.size(); ++i) AppendRaw(node, &ids[i], sizeof ids[i]);
    ids.resize(first);
    std::uint32_t cid = HashCons(node);
    if (c->ground) ground_ids_.emplace(c, cid);
    if (stack.empty()) return cid;
    ids.push_back(cid);
  }
}

std::int64_t Machine::KeyRec(const Term* root, std::string& out, std::vector<std::int64_t>& seen) {
  // A compound with variables that may all be bound: its structure is emitted, and if every
  // argument turns out ground, that is replaced by the node's id. Explicit stack, no recursion.
  struct Item {
    const Term* t;
    std::uint32_t next;
    std::size_t start;  // where this node's key starts in `out`
    bool all_ground;
  };
  std::vector<Item> stack;
  // Emits a leaf and returns its id (-1: a variable, emitted as such); -2: a compound to open.
  auto leaf = [&](const Term* t) -> std::int64_t {
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
    return -2;
  };
  auto open = [&](const Term* t) {
    stack.push_back({t, 0, out.size(), true});
    out += 'c';
    AppendRaw(out, &t->name, sizeof t->name);
    AppendRaw(out, &t->arity, sizeof t->arity);
  };
  // Records an argument's id in the node on top of the stack.
  auto add = [&](std::int64_t id) {
    if (id >= 0) {
      out += 'g';
      auto id32 = static_cast<std::uint32_t>(id);
      AppendRaw(out, &id32, sizeof id32);
    } else {
      stack.back().all_ground = false;
    }
  };
  const Term* t = Deref(root);
  std::int64_t id = leaf(t);
  if (id != -2) return id;
  open(t);
  while (true) {
    Item& it = stack.back();
    if (it.next < it.t->arity) {
      const Term* a = Deref(it.t->args[it.next++]);
      std::int64_t aid = leaf(a);
      if (aid == -2) {
        open(a);
      } else {
        add(aid);
      }
      continue;
    }
    Item done = it;
    stack.pop_back();
    std::int64_t result = -1;
    if (done.all_ground) {
      // Rebuild the node key from the argument ids: 'c' name arity then per argument 'g' id.
      std::string node = out.substr(done.start);
      out.resize(done.start);
      std::string hc;
      hc += 'c';
      hc.append(node, 1, sizeof done.t->name + sizeof done.t->arity);
      for (std::size_t pos = 1 + sizeof done.t->name + sizeof done.t->arity; pos < node.size();
           pos += 5) {
        hc.append(node, pos + 1, 4);
      }
      result = HashCons(hc);
    }
    if (stack.empty()) return result;
    add(result);
  }
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

bool Machine::IsGround(const Term* root) const {
  std::vector<const Term*> todo{root};
  while (!todo.empty()) {
    const Term* t = Deref(todo.back());
    todo.pop_back();
    if (t->ground) continue;
    if (t->kind == TermKind::kVar) return false;
    for (std::uint32_t i = 0; i < t->arity; ++i) todo.push_back(t->args[i]);
  }
  return true;
}

bool Machine::Equal(const Term* a, const Term* b) const { return Compare(a, b) == 0; }

namespace {
int Rank(const Term* t) {
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
}

// Compares two dereferenced terms' own nodes (not their arguments).
int CompareNode(const Term* a, const Term* b) {
  int ra = Rank(a), rb = Rank(b);
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
      return 0;
    }
  }
  return 0;
}
}  // namespace

// Lexicographic over a pre-order walk of both terms.
int Machine::Compare(const Term* a0, const Term* b0) const {
  int order = 0;
  WalkTermPairs(*this, a0, b0, [&order](const Term* a, const Term* b) {
    order = CompareNode(a, b);
    if (order != 0) return PairStep::kStop;
    return a->kind == TermKind::kCompound ? PairStep::kDescend : PairStep::kNext;
  });
  return order;
}

void CheckStack(const char* what, const SourceLocation& where) {
  if (!StackNearlyExhausted()) return;
  throw GroundingError(std::string(what) +
                           " is nested too deeply for the stack (raise it with `ulimit -s`, or "
                           "make the recursion shallower)",
                       where, "RecursionTooDeep");
}

}  // namespace symnas::logic
