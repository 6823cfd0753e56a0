// Internal: the resolution machine's bindings (unification with a trail, renaming, dereferencing),
// arithmetic evaluation with ProbLog's numeric rules, and the built-in predicate table.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "symnas/common/error.hpp"
#include "symnas/logic/term.hpp"

namespace symnas::logic {

/// A non-owning reference to a `void()` callable: the continuation of a goal. The callable must
/// outlive the call it is passed to (true for lambdas passed as arguments).
class Cont {
 public:
  template <class F>
  requires(!std::same_as<std::decay_t<F>, Cont>) Cont(F&& f)  // NOLINT: implicit by design
      : obj_(const_cast<void*>(static_cast<const void*>(&f))),
        call_([](void* o) { (*static_cast<std::remove_reference_t<F>*>(o))(); }) {}
  void operator()() const { call_(obj_); }

 private:
  void* obj_;
  void (*call_)(void*);
};

/// True when two names unify as ProbLog's unification compares them: by signature, the name
/// stripped of quote characters. Only library(db) makes names that keep their quotes ('bob',
/// ProbLog's Term("'bob'")), so a db value 'bob' unifies with the program atom bob while the two
/// stay distinct atoms (==, tabling, ground atoms), as in ProbLog.
inline bool SameSignature(Symbol a, Symbol b) {
  if (a == b) return true;
  if (a->empty() || b->empty() || (a->front() != '\'' && b->front() != '\'')) return false;
  auto strip = [](std::string_view s) {
    std::size_t begin = s.find_first_not_of('\'');
    if (begin == std::string_view::npos) return std::string_view();
    return s.substr(begin, s.find_last_not_of('\'') - begin + 1);
  };
  return strip(*a) == strip(*b);
}

/// An evaluated arithmetic value: Python-like int or float.
struct Number {
  bool is_int = true;
  std::int64_t i = 0;
  double f = 0.0;
  double AsDouble() const { return is_int ? static_cast<double>(i) : f; }
};

/// Variable bindings and the operations on them. Variables are global numbers; a clause is
/// renamed by shifting its local numbers 0..n-1 by a fresh base.
class Machine {
 public:
  explicit Machine(TermArena& arena) : arena_(arena) {}

  TermArena& arena() { return arena_; }
  const Term* Deref(const Term* t) const {
    while (t->kind == TermKind::kVar) {
      const Term* b = bindings_[static_cast<std::size_t>(t->var)];
      if (!b) return t;
      t = b;
    }
    return t;
  }
  bool Unify(const Term* a, const Term* b);

  struct Mark {
    std::size_t trail = 0;
    std::size_t vars = 0;
  };
  Mark GetMark() const { return {trail_.size(), bindings_.size()}; }
  void Undo(Mark mark);

  /// Reserves n fresh variables; returns the number of the first.
  std::int64_t NewVars(int n);
  /// Copy of a clause-local term with variables shifted by base (ground parts shared).
  const Term* Rename(const Term* t, std::int64_t base);
  /// Copy with all bound variables replaced by their values.
  const Term* Resolve(const Term* t);
  /// Copy with variables renumbered 0..k-1 by first occurrence (k returned in num_vars);
  /// `globals` receives the variable each new number stands for.
  const Term* Canonical(const Term* t, int& num_vars, std::vector<std::int64_t>* globals = nullptr);
  /// Appends a binary key identifying t up to variable renaming. Ground subterms are replaced by
  /// their hash-consed id, so keys of calls on long ground lists stay short.
  void AppendVariantKey(std::string& key, const Term* t);
  /// A number identifying a term that is ground under the current bindings (equal numbers iff
  /// structurally equal); -1 if the term contains an unbound variable.
  std::int64_t GroundId(const Term* t);
  bool IsGround(const Term* t) const;
  /// == : structural equality under the current bindings.
  bool Equal(const Term* a, const Term* b) const;
  /// Standard order of terms: Var < Number < Atom < Compound; -1, 0, 1.
  int Compare(const Term* a, const Term* b) const;
  /// Evaluates an arithmetic expression (is/2). Throws GroundingError (ArithmeticError,
  /// InstantiationError, TypeError) with `where`.
  Number Eval(const Term* t) const;
  /// The term storing an arithmetic result; floats are stored as round(x, 15), like ProbLog.
  const Term* MakeNumber(const Number& n) {
    return n.is_int ? arena_.Int(n.i) : arena_.Float(RoundFloat15(n.f));
  }

  /// Location used for errors raised by built-ins (the clause being resolved).
  SourceLocation where;

 private:
  TermArena& arena_;
  std::vector<const Term*> bindings_;
  std::vector<std::int64_t> trail_;
  std::vector<const Term*> var_cache_;  // Var(n) nodes, reused
  const Term* VarTerm(std::int64_t n);
  std::int64_t KeyRec(const Term* t, std::string& out, std::vector<std::int64_t>& seen);
  std::uint32_t HashCons(const std::string& node_key);
  std::unordered_map<const Term*, std::uint32_t> ground_ids_;  // ids of ground-flagged nodes
  std::unordered_map<std::string, std::uint32_t> hash_cons_;   // node key -> id
};

/// A built-in predicate: runs `k` once per solution, leaving bindings as it found them.
using BuiltinFn = void (*)(Machine& m, const Term* goal, Cont k);

/// The built-in for name/arity, or nullptr. Control constructs (',', ';', \+, call/N) are
/// handled by the grounder, not here.
BuiltinFn FindBuiltin(Symbol name, std::uint32_t arity);

}  // namespace symnas::logic
