// Grounding: Program -> GroundProgram. Top-down resolution with tabling (one table per call
// variant, SCC fixpoint for recursive calls, so cyclic programs terminate and stay exact).
// A derivation carries the literals of the probabilistic choices it used; a derivation without
// literals makes its answer deterministically true, so deterministic code adds no formula nodes.
#include "symnas/logic/ground.hpp"

#include <algorithm>
#include <unordered_map>

#include "grounder.hpp"

namespace symnas::logic {

int GroundProgram::AddAtom(const Term* term) {
  nodes.emplace_back();
  nodes.back().kind = GroundNode::Kind::kAtom;
  nodes.back().term = term;
  return static_cast<int>(nodes.size());
}

bool GroundProgram::AddBody(int id, std::vector<Lit> body) {
  GroundNode& n = node(id);
  if (n.is_true) return false;
  std::sort(body.begin(), body.end());
  body.erase(std::unique(body.begin(), body.end()), body.end());
  for (std::size_t i = 0; i + 1 < body.size(); ++i) {
    // sorted: a negative literal -x precedes x; check complementary pairs
    if (body[i] < 0 && std::binary_search(body.begin(), body.end(), -body[i])) return false;
  }
  if (body.empty()) {
    n.is_true = true;
    n.bodies.clear();
    n.bodies.insert(std::vector<Lit>{});
    return true;
  }
  return n.bodies.insert(std::move(body)).second;
}

void Grounder::GroundQueryItem(const QuerySpec& q) {
  if (q.body == nullptr) {
    GroundQueryGoal(q.goal, q.num_vars, q.location);
    return;
  }
  // query(G) :- Body: as ProbLog, every solution of Body names a query (Body's probability
  // plays no part); each instance is then grounded as a query of its own.
  std::vector<std::pair<const Term*, int>> instances;
  std::unordered_map<std::string, int> seen;
  auto mark = m_.GetMark();
  std::int64_t base = m_.NewVars(q.num_vars);
  const Term* goal = m_.Rename(q.goal, base);
  m_.where = q.location;
  WithBarrier([&] {
    Solve(m_.Rename(q.body, base), [&] {
      int nv = 0;
      const Term* instance = m_.Canonical(goal, nv);
      if (seen.try_emplace(ToString(instance), 0).second) instances.push_back({instance, nv});
    });
  });
  m_.Undo(mark);
  for (auto [instance, nv] : instances) GroundQueryGoal(instance, nv, q.location);
}

// Names of the unbound variables of a query answer as ProbLog prints them: a variable that is
// still the query's i-th (of n) is X<n+1+i>, others follow from X<2n+1>. (ProbLog's numbers come
// from its engine's variable translation; these agree with it when the query's variables are
// left unbound, test/varunify_all.pl, and may differ after aliasing.)
const VarNames& Grounder::ProbLogVarNames(const std::vector<std::int64_t>& globals,
                                          std::int64_t base, int num_vars) {
  answer_names_.clear();
  int other = 2 * num_vars + 1;
  for (std::int64_t g : globals) {
    int own = -1;
    for (int i = 0; i < num_vars && own < 0; ++i) {
      const Term* v = m_.Deref(m_.Rename(m_.arena().Var(i), base));
      if (v->kind == TermKind::kVar && v->var == g) own = i;
    }
    answer_names_.push_back("X" + std::to_string(own >= 0 ? num_vars + 1 + own : other++));
  }
  return answer_names_;
}

void Grounder::GroundQueryGoal(const Term* query, int num_vars, const SourceLocation& location) {
  std::unordered_map<std::string, int> seen;
  auto mark = m_.GetMark();
  std::int64_t base = m_.NewVars(num_vars);
  const Term* goal = m_.Rename(query, base);
  m_.where = location;
  WithBarrier([&] {
    Solve(goal, [&] {
      int nv = 0;
      std::vector<std::int64_t> globals;
      const Term* answer = m_.Canonical(goal, nv, &globals);
      std::string text = ToString(answer, &ProbLogVarNames(globals, base, num_vars));
      if (nv > 0 && !lits_.empty()) {
        throw NonGroundQuery(
            "Query term still contains variables after grounding for query " + text, location);
      }
      auto [it, inserted] = seen.try_emplace(text, 0);
      if (inserted) {
        it->second = gp_.AddAtom(answer);
        gp_.queries.push_back({text, it->second});
      }
      gp_.AddBody(it->second, lits_);
    });
  });
  m_.Undo(mark);
  if (seen.empty()) {
    // As ProbLog, a query without answers is reported (probability 0), its variables named as
    // ProbLog's engine names them (X<n+1>, ... for the n variables of the query).
    VarNames names;
    for (int i = 0; i < num_vars; ++i) names.push_back("X" + std::to_string(num_vars + 1 + i));
    gp_.queries.push_back({ToString(query, &names), gp_.AddAtom(query)});
  }
}

void Grounder::GroundEvidenceItem(const EvidenceSpec& e) {
  std::string text = ToString(e.atom);
  for (const GroundEvidence& prior : gp_.evidence) {
    if (prior.text == text && prior.value != e.value) {
      throw InconsistentEvidenceError("Inconsistent evidence detected: '" + text + "'", e.location);
    }
  }
  int node = gp_.AddAtom(e.atom);
  auto mark = m_.GetMark();
  const Term* goal = m_.Rename(e.atom, m_.NewVars(e.num_vars));
  m_.where = e.location;
  WithBarrier([&] { Solve(goal, [&] { gp_.AddBody(node, lits_); }); });
  m_.Undo(mark);
  const GroundNode& n = gp_.node(node);
  if ((e.value && n.bodies.empty()) || (!e.value && n.is_true)) {
    throw InconsistentEvidenceError("Inconsistent evidence detected: '" + text + "'", e.location);
  }
  gp_.evidence.push_back({text, node, e.value});
}

void Grounder::GroundAllTunables() {
  const auto& clauses = program_.clauses();
  std::vector<bool> done(clauses.size(), false);
  for (const Tunable& t : program_.tunables()) {
    if (done[t.clause]) continue;
    done[t.clause] = true;
    const Clause& c = clauses[t.clause];
    auto mark = m_.GetMark();
    std::int64_t base = m_.NewVars(c.num_vars);
    m_.where = c.location;
    WithBarrier([&] {
      auto reg = [&] {
        for (std::size_t h = 0; h < c.heads.size(); ++h) {
          if (c.tunable[h] >= 0) ChoiceLiteral(c, t.clause, static_cast<int>(h), base);
        }
      };
      if (c.body)
        Solve(m_.Rename(c.body, base), reg);
      else
        reg();
    });
    m_.Undo(mark);
  }
}

GroundProgram Ground(const Program& program, const GroundOptions& options) {
  GroundProgram out;
  Grounder grounder(program, options, out);
  grounder.Run();
  return out;
}

}  // namespace symnas::logic
