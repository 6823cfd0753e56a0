// Logic formula: GroundProgram -> AND/OR graph over choices, deterministic atoms folded away.
#include "symnas/logic/formula.hpp"

#include <algorithm>
#include <cstdlib>

namespace symnas::logic {

LogicFormula::LogicFormula() { nodes_.push_back(Node{}); }

Lit LogicFormula::AddChoice(int group, int head) {
  auto g = static_cast<std::size_t>(group);
  if (choice_by_group_.size() <= g) choice_by_group_.resize(g + 1);
  auto& heads = choice_by_group_[g];
  auto h = static_cast<std::size_t>(head);
  if (heads.size() <= h) heads.resize(h + 1, 0);
  if (!heads[h]) {
    Node n;
    n.kind = Kind::kChoice;
    n.group = group;
    n.head = head;
    nodes_.push_back(std::move(n));
    heads[h] = size();
  }
  return heads[h];
}

Lit LogicFormula::AddAnd(std::vector<Lit> children) {
  std::vector<Lit> kept;
  for (Lit c : children) {
    if (c == kFalse) return kFalse;
    if (c != kTrue) kept.push_back(c);
  }
  std::sort(kept.begin(), kept.end());
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
  for (Lit c : kept) {
    if (c < 0 && std::binary_search(kept.begin(), kept.end(), -c)) return kFalse;
  }
  if (kept.empty()) return kTrue;
  if (kept.size() == 1) return kept[0];
  Node n;
  n.kind = Kind::kAnd;
  n.children = std::move(kept);
  nodes_.push_back(std::move(n));
  return size();
}

Lit LogicFormula::AddOr(std::vector<Lit> children) {
  std::vector<Lit> kept;
  for (Lit c : children) {
    if (c == kTrue) return kTrue;
    if (c != kFalse) kept.push_back(c);
  }
  std::sort(kept.begin(), kept.end());
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
  for (Lit c : kept) {
    if (c < 0 && std::binary_search(kept.begin(), kept.end(), -c)) return kTrue;
  }
  if (kept.empty()) return kFalse;
  if (kept.size() == 1) return kept[0];
  Node n;
  n.kind = Kind::kOr;
  n.children = std::move(kept);
  nodes_.push_back(std::move(n));
  return size();
}

int LogicFormula::ReserveOr() {
  Node n;
  n.kind = Kind::kOr;
  nodes_.push_back(std::move(n));
  return size();
}

bool LogicFormula::HasCycles() const {
  // Iterative three-colour DFS over all nodes.
  std::vector<char> colour(nodes_.size() + 1, 0);
  for (int start = 1; start <= size(); ++start) {
    if (colour[start]) continue;
    std::vector<std::pair<int, std::size_t>> stack{{start, 0}};
    colour[start] = 1;
    while (!stack.empty()) {
      auto& [id, next] = stack.back();
      const auto& ch = node(id).children;
      if (next < ch.size()) {
        int c = std::abs(ch[next++]);
        if (colour[c] == 1) return true;
        if (colour[c] == 0) {
          colour[c] = 1;
          stack.push_back({c, 0});
        }
      } else {
        colour[id] = 2;
        stack.pop_back();
      }
    }
  }
  return false;
}

namespace {

class Builder {
 public:
  Builder(const GroundProgram& gp, LogicFormula& f)
      : gp_(gp), f_(f), memo_(gp.nodes.size() + 1, 0), state_(gp.nodes.size() + 1, 0) {}

  Lit MapLit(Lit l) {
    Lit r = MapNode(std::abs(l));
    return l > 0 ? r : -r;
  }

 private:
  Lit MapNode(int id) {
    if (state_[id] == 1) {
      // Referenced while in progress: a cycle. Allocate the OR node now, fill it later.
      if (!memo_[id]) memo_[id] = f_.ReserveOr();
      return memo_[id];
    }
    if (memo_[id]) return memo_[id];
    const GroundNode& n = gp_.node(id);
    if (n.kind == GroundNode::Kind::kChoice) return memo_[id] = f_.AddChoice(n.group, n.head);
    if (n.is_true) return memo_[id] = LogicFormula::kTrue;
    if (n.bodies.empty()) return memo_[id] = LogicFormula::kFalse;
    state_[id] = 1;
    std::vector<Lit> disjuncts;
    for (const auto& body : n.bodies) {
      std::vector<Lit> conj;
      conj.reserve(body.size());
      for (Lit l : body) conj.push_back(MapLit(l));
      disjuncts.push_back(f_.AddAnd(std::move(conj)));
    }
    state_[id] = 2;
    if (memo_[id]) {
      f_.SetChildren(memo_[id], std::move(disjuncts));
      return memo_[id];
    }
    return memo_[id] = f_.AddOr(std::move(disjuncts));
  }

  const GroundProgram& gp_;
  LogicFormula& f_;
  std::vector<Lit> memo_;
  std::vector<char> state_;  // 0 new, 1 in progress, 2 done
};

}  // namespace

LogicFormula BuildFormula(const GroundProgram& gp, const std::vector<Lit>& roots,
                          std::vector<Lit>& mapped) {
  LogicFormula f;
  Builder builder(gp, f);
  mapped.clear();
  for (Lit r : roots) mapped.push_back(builder.MapLit(r));
  return f;
}

}  // namespace symnas::logic
