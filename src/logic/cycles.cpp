// Cycle breaking: cyclic LogicFormula -> acyclic LogicFormula with least-model semantics.
// Steps (after ProbLog's formula.break_cycles): depth-first from every root; a reference to a
// node on the current path is replaced by FALSE (a derivation cannot rely on itself); a node's
// translation is cached only if no ancestor other than itself was cut inside it.
#include <algorithm>
#include <cstdlib>

#include "symnas/logic/errors.hpp"
#include "symnas/logic/formula.hpp"

namespace symnas::logic {

namespace {

class CycleBreaker {
 public:
  CycleBreaker(const LogicFormula& in, LogicFormula& out)
      : in_(in), out_(out), memo_(in.size() + 1, 0), on_path_(in.size() + 1, 0) {}

  Lit BreakLit(Lit l, std::vector<int>& hits) {
    Lit r = BreakNode(std::abs(l), hits);
    return l > 0 ? r : -r;
  }

 private:
  Lit BreakNode(int id, std::vector<int>& hits) {
    const LogicFormula::Node& n = in_.node(id);
    if (n.kind == LogicFormula::Kind::kTrue) return LogicFormula::kTrue;
    if (n.kind == LogicFormula::Kind::kChoice) return out_.AddChoice(n.group, n.head);
    if (on_path_[id]) {
      hits.push_back(id);
      return LogicFormula::kFalse;
    }
    if (memo_[id]) return memo_[id];
    on_path_[id] = 1;
    std::vector<int> local;
    std::vector<Lit> children;
    children.reserve(n.children.size());
    for (Lit c : n.children) {
      std::size_t before = local.size();
      children.push_back(BreakLit(c, local));
      if (c < 0 && local.size() > before) {
        throw GroundingError("Negation in a cycle (the program is not stratified)", {},
                             "NegativeCycle");
      }
    }
    on_path_[id] = 0;
    Lit result = n.kind == LogicFormula::Kind::kAnd ? out_.AddAnd(std::move(children))
                                                    : out_.AddOr(std::move(children));
    local.erase(std::remove(local.begin(), local.end(), id), local.end());
    if (local.empty()) {
      memo_[id] = result;
    } else {
      std::sort(local.begin(), local.end());
      local.erase(std::unique(local.begin(), local.end()), local.end());
      hits.insert(hits.end(), local.begin(), local.end());
    }
    return result;
  }

  const LogicFormula& in_;
  LogicFormula& out_;
  std::vector<Lit> memo_;
  std::vector<char> on_path_;
};

}  // namespace

LogicFormula BreakCycles(const LogicFormula& formula, const std::vector<Lit>& roots,
                         std::vector<Lit>& mapped) {
  if (!formula.HasCycles()) {
    mapped = roots;
    return formula;
  }
  LogicFormula out;
  CycleBreaker breaker(formula, out);
  mapped.clear();
  for (Lit r : roots) {
    std::vector<int> hits;
    mapped.push_back(breaker.BreakLit(r, hits));
  }
  return out;
}

}  // namespace symnas::logic
