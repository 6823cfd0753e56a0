// findall/3, all/3 and all_or_none/3 over probabilistic goals, as ProbLog 2 grounds them: the
// solutions of the goal are collected (findall/3: one per proof, in the order the proofs' atoms
// were created; all/3: one per distinct answer), and every subset S of the uncertain ones gives
// the list of S, true when the solutions of S hold and the others do not.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "grounder.hpp"

namespace symnas::logic {

namespace {

// One solution of the collected goal: the template instance and its proof.
struct Solution {
  const Term* item = nullptr;  // canonical
  int num_vars = 0;
  std::vector<Lit> proof;  // conjunction; empty = certain
  int order = 0;           // ProbLog sorts proofs by their newest node
  int node = 0;            // all/3: the answer's node
};

// One derivation of the collected goal, expanded into proofs once the goal is complete.
struct Derivation {
  const Term* item = nullptr;
  int num_vars = 0;
  std::vector<Lit> lits;
};

bool Contradicts(std::vector<Lit> lits) {
  std::sort(lits.begin(), lits.end());
  for (Lit l : lits) {
    if (l < 0 && std::binary_search(lits.begin(), lits.end(), -l)) return true;
  }
  return false;
}

bool IsListOrVar(const Term* t) {
  const Symbols& sym = Symbols::Get();
  return t->kind == TermKind::kVar || t->Is(sym.dot, 2) || t->IsAtom(sym.nil);
}

}  // namespace

// The proofs (conjunctions of choice literals and negated nodes) of literal `lit`: ProbLog's
// enumerate_branches. A proof through a node on the current path is dropped.
void Grounder::Branches(Lit lit, std::vector<int>& path, std::vector<Branch>& out) {
  if (lit < 0) {
    out.push_back({lit, {lit}});
    return;
  }
  const GroundNode& n = gp_.node(lit);
  if (n.kind == GroundNode::Kind::kChoice) {
    out.push_back({lit, {lit}});
    return;
  }
  if (std::find(path.begin(), path.end(), lit) != path.end()) return;
  if (n.is_true) {
    out.push_back({0, {}});
    return;
  }
  path.push_back(lit);
  for (const std::vector<Lit>& body : n.bodies) {
    for (Branch& b : ConjunctionBranches(body, {lit, {}}, path)) out.push_back(std::move(b));
  }
  path.pop_back();
}

// The proofs of a conjunction: every combination of one proof per literal, each extending
// `start` (its order the latest of the parts').
std::vector<Grounder::Branch> Grounder::ConjunctionBranches(const std::vector<Lit>& lits,
                                                            Branch start, std::vector<int>& path) {
  std::vector<Branch> partial{std::move(start)};
  for (Lit lit : lits) {
    std::vector<Branch> of_lit;
    Branches(lit, path, of_lit);
    std::vector<Branch> next;
    for (const Branch& p : partial) {
      for (const Branch& c : of_lit) {
        Branch b{std::max(p.order, c.order), p.lits};
        b.lits.insert(b.lits.end(), c.lits.begin(), c.lits.end());
        next.push_back(std::move(b));
      }
    }
    partial = std::move(next);
  }
  return partial;
}

// The literal standing for a proof (a conjunction): the literal itself when it has one, else an
// auxiliary node shared by equal proofs (ProbLog's add_and reuses equal conjunctions).
Lit Grounder::ProofLiteral(const std::vector<Lit>& proof) {
  if (proof.size() == 1) return proof[0];
  std::string key;
  for (Lit l : proof) key += std::to_string(l) + ",";
  auto [it, inserted] = proof_nodes_.try_emplace(key, 0);
  if (inserted) {
    it->second = gp_.AddAtom(nullptr);
    gp_.AddBody(it->second, proof);
  }
  return it->second;
}

void Grounder::FindAll(const Term* goal, AllMode mode, Cont k) {
  const Term* result = m_.Deref(goal->args[2]);
  if (!IsListOrVar(result)) {
    throw GroundingError("Invalid argument types for call: " + *goal->name +
                             "/3 expects a variable or a list as third argument, got '" +
                             ToString(m_.Resolve(result)) + "'",
                         m_.where, "CallModeError");
  }
  std::vector<Solution> solutions;
  std::map<std::string, std::size_t> distinct;  // all/3: answer key -> solution
  std::vector<Derivation> derivations;          // findall/3
  auto mark = m_.GetMark();
  if (mode == AllMode::kFindall) ++findall_depth_;
  WithBarrier(
      [&] {
        Solve(goal->args[1], [&] {
          int nv = 0;
          const Term* item = m_.Canonical(goal->args[0], nv);
          if (mode != AllMode::kFindall) {
            std::string key = ToString(item);
            auto [it, inserted] = distinct.try_emplace(key, solutions.size());
            if (inserted) solutions.push_back({item, nv, {}, 0, gp_.AddAtom(nullptr)});
            gp_.AddBody(solutions[it->second].node, lits_);
            return;
          }
          derivations.push_back({item, nv, lits_});
        });
      },
      "IndirectCallCycleError", "Indirect cycle detected (passing through findall/3)");
  if (mode == AllMode::kFindall) --findall_depth_;
  m_.Undo(mark);
  for (const Derivation& d : derivations) {
    std::vector<int> path;
    for (Branch& b : ConjunctionBranches(d.lits, {0, {}}, path)) {
      std::sort(b.lits.begin(), b.lits.end());
      b.lits.erase(std::unique(b.lits.begin(), b.lits.end()), b.lits.end());
      if (Contradicts(b.lits)) continue;  // a FALSE proof is never selected
      solutions.push_back({d.item, d.num_vars, std::move(b.lits), b.order, 0});
    }
  }
  if (mode == AllMode::kFindall) {
    std::stable_sort(solutions.begin(), solutions.end(),
                     [](const Solution& a, const Solution& b) { return a.order < b.order; });
  } else {
    // all/3: a solution's proof is its answer node (true answers have no literal).
    for (Solution& s : solutions) {
      const GroundNode& n = gp_.node(s.node);
      if (!n.is_true) s.proof = {s.node};
    }
  }
  std::vector<std::size_t> uncertain;
  for (std::size_t i = 0; i < solutions.size(); ++i) {
    if (!solutions[i].proof.empty()) uncertain.push_back(i);
  }
  if (uncertain.size() > 24) {
    throw GroundingError(*goal->name + "/3 over more than 24 uncertain solutions (2^" +
                             std::to_string(uncertain.size()) + " lists)",
                         m_.where, "GroundingError");
  }
  std::vector<Lit> proof_lits;
  for (std::size_t i : uncertain) proof_lits.push_back(ProofLiteral(solutions[i].proof));
  for (std::uint64_t n = (std::uint64_t{1} << uncertain.size()); n-- > 0;) {
    std::vector<Lit> lits;
    std::vector<bool> selected(solutions.size(), true);
    for (std::size_t b = 0; b < uncertain.size(); ++b) {
      bool in = (n >> b) & 1;
      selected[uncertain[b]] = in;
      lits.push_back(in ? proof_lits[b] : -proof_lits[b]);
    }
    if (Contradicts(lits)) continue;
    auto inner = m_.GetMark();
    std::vector<const Term*> items;
    for (std::size_t i = 0; i < solutions.size(); ++i) {
      if (!selected[i]) continue;
      const Solution& s = solutions[i];
      items.push_back(s.num_vars ? m_.Rename(s.item, m_.NewVars(s.num_vars)) : s.item);
    }
    if ((!items.empty() || mode != AllMode::kAll) && m_.Unify(result, m_.arena().List(items))) {
      std::size_t size = lits_.size();
      lits_.insert(lits_.end(), lits.begin(), lits.end());
      k();
      lits_.resize(size);
    }
    m_.Undo(inner);
  }
}

}  // namespace symnas::logic
