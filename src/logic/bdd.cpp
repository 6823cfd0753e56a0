// ROBDD manager (unique table, apply with computed caches) and LogicFormula -> BDD compilation.
#include "symnas/logic/bdd.hpp"

#include <algorithm>
#include <cstdlib>

#include "symnas/logic/errors.hpp"

namespace symnas::logic {

BddManager::BddManager(std::size_t max_nodes) : max_nodes_(max_nodes) {
  nodes_.push_back({kTerminalVar, kFalse, kFalse});
  nodes_.push_back({kTerminalVar, kTrue, kTrue});
}

BddManager::Ref BddManager::MakeNode(int var, Ref low, Ref high) {
  if (low == high) return low;
  auto key = std::make_tuple(var, low, high);
  auto it = unique_.find(key);
  if (it != unique_.end()) return it->second;
  if (nodes_.size() >= max_nodes_) {
    throw GroundingError("Decision diagram exceeds " + std::to_string(max_nodes_) + " nodes", {},
                         "BddTooLarge");
  }
  if (meter_) meter_->Check("compiling the decision diagram", base_bytes_ + BytesInUse());
  nodes_.push_back({var, low, high});
  Ref r = static_cast<Ref>(nodes_.size() - 1);
  unique_.emplace(key, r);
  return r;
}

BddManager::Ref BddManager::Var(int v) { return MakeNode(v, kFalse, kTrue); }

BddManager::Ref BddManager::Not(Ref a) {
  CheckStack("The decision diagram");
  if (a == kFalse) return kTrue;
  if (a == kTrue) return kFalse;
  auto it = not_cache_.find(a);
  if (it != not_cache_.end()) return it->second;
  Node n = nodes_[a];
  Ref r = MakeNode(n.var, Not(n.low), Not(n.high));
  not_cache_.emplace(a, r);
  return r;
}

BddManager::Ref BddManager::And(Ref a, Ref b) {
  CheckStack("The decision diagram");
  if (a == kFalse || b == kFalse) return kFalse;
  if (a == kTrue) return b;
  if (b == kTrue || a == b) return a;
  if (a > b) std::swap(a, b);
  auto key = Key(a, b);
  auto it = and_cache_.find(key);
  if (it != and_cache_.end()) return it->second;
  Node na = nodes_[a], nb = nodes_[b];
  int v = std::min(na.var, nb.var);
  Ref low = And(na.var == v ? na.low : a, nb.var == v ? nb.low : b);
  Ref high = And(na.var == v ? na.high : a, nb.var == v ? nb.high : b);
  Ref r = MakeNode(v, low, high);
  and_cache_.emplace(key, r);
  return r;
}

BddManager::Ref BddManager::Or(Ref a, Ref b) {
  CheckStack("The decision diagram");
  if (a == kTrue || b == kTrue) return kTrue;
  if (a == kFalse) return b;
  if (b == kFalse || a == b) return a;
  if (a > b) std::swap(a, b);
  auto key = Key(a, b);
  auto it = or_cache_.find(key);
  if (it != or_cache_.end()) return it->second;
  Node na = nodes_[a], nb = nodes_[b];
  int v = std::min(na.var, nb.var);
  Ref low = Or(na.var == v ? na.low : a, nb.var == v ? nb.low : b);
  Ref high = Or(na.var == v ? na.high : a, nb.var == v ? nb.high : b);
  Ref r = MakeNode(v, low, high);
  or_cache_.emplace(key, r);
  return r;
}

std::size_t BddManager::CountNodes(Ref r) const {
  std::vector<char> seen(nodes_.size(), 0);
  std::vector<Ref> stack{r};
  std::size_t count = 0;
  while (!stack.empty()) {
    Ref x = stack.back();
    stack.pop_back();
    if (seen[x]) continue;
    seen[x] = 1;
    ++count;
    if (x > kTrue) {
      stack.push_back(nodes_[x].low);
      stack.push_back(nodes_[x].high);
    }
  }
  return count;
}

int BddCompiler::VarFor(int group, int head) {
  auto g = static_cast<std::size_t>(group);
  if (vars_.group_vars.size() <= g) vars_.group_vars.resize(g + 1);
  auto& heads = vars_.group_vars[g];
  auto h = static_cast<std::size_t>(head);
  if (heads.size() <= h) heads.resize(h + 1, -1);
  if (heads[h] < 0) {
    heads[h] = static_cast<int>(vars_.var_owner.size());
    vars_.var_owner.push_back({group, head});
  }
  return heads[h];
}

BddManager::Ref BddCompiler::Choice(int group, int head) {
  // Allocate d0..d_head together so a group's variables are adjacent in the order.
  for (int i = 0; i <= head; ++i) VarFor(group, i);
  BddManager::Ref r = manager_.Var(VarFor(group, head));
  for (int i = head - 1; i >= 0; --i) {
    r = manager_.And(manager_.Not(manager_.Var(VarFor(group, i))), r);
  }
  return r;
}

void BddCompiler::OrderVariables(const std::vector<Lit>& roots) {
  std::vector<char> seen(static_cast<std::size_t>(formula_.size()) + 1, 0);
  std::vector<int> queue;
  for (Lit r : roots) queue.push_back(std::abs(r));
  for (std::size_t i = 0; i < queue.size(); ++i) {
    const int id = queue[i];
    if (seen[static_cast<std::size_t>(id)]) continue;
    seen[static_cast<std::size_t>(id)] = 1;
    const LogicFormula::Node& n = formula_.node(id);
    if (n.kind == LogicFormula::Kind::kChoice) {
      for (int h = 0; h <= n.head; ++h) VarFor(n.group, h);
    }
    for (Lit c : n.children) queue.push_back(std::abs(c));
  }
}

BddManager::Ref BddCompiler::Compile(Lit lit) {
  CheckStack("The formula");
  int id = std::abs(lit);
  BddManager::Ref r = memo_[id];
  if (r == kUnset) {
    const LogicFormula::Node& n = formula_.node(id);
    switch (n.kind) {
      case LogicFormula::Kind::kTrue:
        r = BddManager::kTrue;
        break;
      case LogicFormula::Kind::kChoice:
        r = Choice(n.group, n.head);
        break;
      case LogicFormula::Kind::kAnd:
        r = BddManager::kTrue;
        for (Lit c : n.children) {
          r = manager_.And(r, Compile(c));
          if (r == BddManager::kFalse) break;
        }
        break;
      case LogicFormula::Kind::kOr:
        r = BddManager::kFalse;
        for (Lit c : n.children) {
          r = manager_.Or(r, Compile(c));
          if (r == BddManager::kTrue) break;
        }
        break;
    }
    memo_[id] = r;
  }
  return lit > 0 ? r : manager_.Not(r);
}

}  // namespace symnas::logic
