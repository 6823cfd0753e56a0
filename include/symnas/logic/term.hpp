// Terms of the ProbLog dialect (atoms, integers, floats, variables, compound terms and lists),
// allocated in arenas and immutable, plus the printer that renders them as ProbLog 2 does.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace symnas::logic {

/// An interned name (atom or functor). Equal names share one pointer, so compare pointers.
using Symbol = const std::string*;

/// Returns the unique interned pointer for `name` (thread-safe, never freed).
Symbol Intern(std::string_view name);

/// Frequently used symbols, interned once.
struct Symbols {
  Symbol nil, dot, comma, semicolon, neck, not_provable, colon2, query, evidence, t, true_, false_,
      fail, minus, plus, is, not_;
  /// The process-wide table.
  static const Symbols& Get();
};

enum class TermKind : std::uint8_t { kAtom, kInt, kFloat, kVar, kCompound };

/// An immutable term node. Invariants: `ground` is true iff no variable occurs inside; a list is
/// the compound '.'(Head, Tail) ending in the atom '[]'; `var` numbers are local to their owner
/// (0..n-1 within a clause, a query or a table answer; global inside the grounder).
struct Term {
  TermKind kind = TermKind::kAtom;
  bool ground = true;
  std::uint32_t arity = 0;            ///< compound only
  std::int32_t line = 0;              ///< 1-based source line of the token, 0 if unknown
  std::int32_t column = 0;            ///< 1-based source column, 0 if unknown
  Symbol name = nullptr;              ///< atom or functor name
  std::int64_t int_value = 0;         ///< kInt
  double float_value = 0.0;           ///< kFloat
  std::int64_t var = 0;               ///< kVar: the variable number
  const Term* const* args = nullptr;  ///< kCompound: `arity` arguments

  const Term* arg(std::size_t i) const { return args[i]; }
  bool IsAtom(Symbol s) const { return kind == TermKind::kAtom && name == s; }
  bool Is(Symbol s, std::uint32_t n) const {
    return kind == TermKind::kCompound && name == s && arity == n;
  }
  bool IsNumber() const { return kind == TermKind::kInt || kind == TermKind::kFloat; }
  bool IsCallable() const { return kind == TermKind::kAtom || kind == TermKind::kCompound; }
};

/// Owns term nodes; never frees individual nodes (they live as long as the arena).
class TermArena {
 public:
  TermArena() = default;
  TermArena(const TermArena&) = delete;
  TermArena& operator=(const TermArena&) = delete;

  const Term* Atom(Symbol name, int line = 0, int column = 0);
  const Term* Atom(std::string_view name) { return Atom(Intern(name)); }
  const Term* Int(std::int64_t value);
  const Term* Float(double value);
  const Term* Var(std::int64_t number);
  /// A compound term; with arity 0 this returns an atom.
  const Term* Compound(Symbol functor, std::span<const Term* const> args, int line = 0,
                       int column = 0);
  const Term* Compound(std::string_view functor, std::initializer_list<const Term*> args) {
    return Compound(Intern(functor), std::span<const Term* const>(args.begin(), args.size()));
  }
  /// The list [items... | tail]; tail nullptr means '[]'.
  const Term* List(std::span<const Term* const> items, const Term* tail = nullptr);
  /// Bytes held by the arena.
  std::size_t bytes() const { return blocks_.size() * kBlockBytes; }

 private:
  static constexpr std::size_t kBlockBytes = 1 << 16;
  void* Allocate(std::size_t bytes);
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::vector<std::unique_ptr<std::byte[]>> big_blocks_;
  std::size_t used_ = kBlockBytes;
};

/// Names for variables when printing; a variable without a name prints as X<number>.
using VarNames = std::vector<std::string>;

/// Renders a term as ProbLog 2 prints it: arguments joined by "," without space, lists by ", ",
/// operators without spaces (alphabetic ones like `is` and `mod` with spaces), floats as
/// Python's repr(round(x, 15)), atoms quoted when needed.
std::string ToString(const Term* term, const VarNames* names = nullptr);
/// Appends ToString(term) to out.
void AppendTerm(std::string& out, const Term* term, const VarNames* names = nullptr);

/// Python's repr(round(value, 15)): "3.0", "5.600000000000001", "32000000.0", "1e+20".
std::string FormatFloat(double value);

/// round(value, 15) as Python computes it. ProbLog stores every float constant (literals and
/// is/2 results) rounded this way, so 0.1 + 0.2 stored by is/2 equals 0.3.
double RoundFloat15(double value);

/// True when the atom must be quoted to read back ('Hello World', 'A', '[]' is not quoted).
bool AtomNeedsQuotes(std::string_view name);

/// Structural equality (==): same shape, same atoms, 1 and 1.0 differ, variables by number.
bool StructurallyEqual(const Term* a, const Term* b);

/// Operator definitions shared by the parser and the printer (standard Prolog + ProbLog's ::).
enum class OpType : std::uint8_t { kXfx, kXfy, kYfx, kFy, kFx };
struct OpDef {
  int priority = 0;
  OpType type = OpType::kXfx;
};
/// The infix definition of `name`, or nullptr.
const OpDef* InfixOp(std::string_view name);
/// The prefix definition of `name`, or nullptr.
const OpDef* PrefixOp(std::string_view name);

}  // namespace symnas::logic
