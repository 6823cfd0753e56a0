// Grounding: Program -> GroundProgram. Top-down resolution with tabling (one table per call
// variant, SCC fixpoint for recursive calls, so cyclic programs terminate and stay exact).
// A derivation carries the literals of the probabilistic choices it used; a derivation without
// literals makes its answer deterministically true, so deterministic code adds no formula nodes.
#include "symnas/logic/ground.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "machine.hpp"
#include "symnas/logic/errors.hpp"

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

namespace {

struct Answer {
  const Term* term;  // canonical (local variables)
  int num_vars;
  int node;
};

struct Table {
  const Term* call = nullptr;  // canonical call pattern
  int num_vars = 0;
  std::vector<Answer> answers;
  std::unordered_map<std::string, int> answer_index;
  bool complete = false;
  bool on_stack = false;
  int stack_pos = -1;
  int leader_pos = -1;
  std::uint64_t eval_stamp = ~std::uint64_t{0};
};

struct Frame {
  int table = -1;  // -1: a barrier (query, evidence, negation)
  int leader = 0;
  bool cyclic = false;
};

class Grounder {
 public:
  Grounder(const Program& program, const GroundOptions& options, GroundProgram& out)
      : program_(program), options_(options), gp_(out), m_(*out.arena) {
    values_ = options.tunable_values.empty() ? program.tunable_values() : options.tunable_values;
  }

  void Run() {
    for (const EvidenceSpec& e : program_.evidence()) GroundEvidenceItem(e);
    for (const QuerySpec& q : program_.queries()) GroundQueryItem(q);
    if (options_.ground_all_tunables) GroundAllTunables();
  }

 private:
  // ---- top level -----------------------------------------------------------------------

  template <class F>
  void WithBarrier(F&& body) {
    int pos = static_cast<int>(stack_.size());
    stack_.push_back({-1, pos, false});
    auto saved = std::move(lits_);
    lits_.clear();
    body();
    lits_ = std::move(saved);
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.leader < pos) {
      throw GroundingError("Negation or aggregation through a cycle (program is not stratified)",
                           m_.where, "NegativeCycle");
    }
  }

  void GroundQueryItem(const QuerySpec& q) {
    std::unordered_map<std::string, int> seen;
    auto mark = m_.GetMark();
    const Term* goal = m_.Rename(q.goal, m_.NewVars(q.num_vars));
    m_.where = q.location;
    WithBarrier([&] {
      Solve(goal, [&] {
        int nv = 0;
        const Term* answer = m_.Canonical(goal, nv);
        std::string text = ToString(answer);
        if (nv > 0 && !lits_.empty()) {
          throw NonGroundQuery(
              "Query term still contains variables after grounding for query " + text,
              q.location);
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
    if (seen.empty() && q.goal->ground) {
      gp_.queries.push_back({ToString(q.goal), gp_.AddAtom(q.goal)});
    }
  }

  void GroundEvidenceItem(const EvidenceSpec& e) {
    std::string text = ToString(e.atom);
    for (const GroundEvidence& prior : gp_.evidence) {
      if (prior.text == text && prior.value != e.value) {
        throw InconsistentEvidenceError("Inconsistent evidence detected: '" + text + "'",
                                        e.location);
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
      throw InconsistentEvidenceError("Inconsistent evidence detected: '" + text + "'",
                                      e.location);
    }
    gp_.evidence.push_back({text, node, e.value});
  }

  void GroundAllTunables() {
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
        if (c.body) Solve(m_.Rename(c.body, base), reg);
        else reg();
      });
      m_.Undo(mark);
    }
  }

  // ---- resolution ----------------------------------------------------------------------

  void Solve(const Term* goal, Cont k) {
    const Symbols& sym = Symbols::Get();
    static const Symbol kCall = Intern("call");
    goal = m_.Deref(goal);
    if (goal->kind == TermKind::kVar) {
      throw GroundingError("Goal is an unbound variable", m_.where, "InstantiationError");
    }
    if (!goal->IsCallable()) {
      throw GroundingError("Goal is not callable: " + ToString(goal), m_.where, "TypeError");
    }
    Symbol name = goal->name;
    std::uint32_t arity = goal->arity;
    if (arity == 2 && name == sym.comma) {
      const Term* rest = goal->args[1];
      Solve(goal->args[0], [&] { Solve(rest, k); });
      return;
    }
    if (arity == 2 && name == sym.semicolon) {
      Solve(goal->args[0], k);
      Solve(goal->args[1], k);
      return;
    }
    if (arity == 1 && (name == sym.not_provable || name == sym.not_)) {
      SolveNegation(goal->args[0], k);
      return;
    }
    if (arity == 0 && name == sym.true_) {
      k();
      return;
    }
    if (arity == 0 && (name == sym.fail || name == sym.false_)) return;
    if (name == kCall && arity >= 1) {
      const Term* inner = m_.Deref(goal->args[0]);
      if (arity == 1) {
        Solve(inner, k);
        return;
      }
      if (!inner->IsCallable()) {
        throw GroundingError("call/N: not callable", m_.where, "TypeError");
      }
      std::vector<const Term*> args(inner->args, inner->args + inner->arity);
      for (std::uint32_t i = 1; i < arity; ++i) args.push_back(goal->args[i]);
      Solve(m_.arena().Compound(inner->name, args, inner->line, inner->column), k);
      return;
    }
    if (BuiltinFn fn = FindBuiltin(name, arity)) {
      fn(m_, goal, k);
      return;
    }
    CallTabled(goal, k);
  }

  void SolveNegation(const Term* goal, Cont k) {
    std::string key;
    m_.AppendVariantKey(key, goal);
    int node = 0;
    auto cached = negation_cache_.find(key);
    if (cached != negation_cache_.end()) {
      node = cached->second;
    } else {
      node = gp_.AddAtom(nullptr);
      auto mark = m_.GetMark();
      WithBarrier([&] { Solve(goal, [&] { gp_.AddBody(node, lits_); }); });
      m_.Undo(mark);
      negation_cache_.emplace(std::move(key), node);
    }
    const GroundNode& n = gp_.node(node);
    if (n.is_true) return;
    if (n.bodies.empty()) {
      k();
      return;
    }
    lits_.push_back(-node);
    k();
    lits_.pop_back();
  }

  void CallTabled(const Term* goal, Cont k) {
    std::string key;
    m_.AppendVariantKey(key, goal);
    auto it = table_index_.find(key);
    int ti;
    if (it == table_index_.end()) {
      auto def = program_.Lookup(goal->name, goal->arity);
      if (!def.refs) {
        SourceLocation where = m_.where;
        if (goal->line > 0) {
          where.line = goal->line;
          where.column = goal->column;
        }
        throw UnknownClause("No clauses found for '" + *goal->name + "/" +
                                std::to_string(goal->arity) + "'",
                            where);
      }
      ti = static_cast<int>(tables_.size());
      tables_.emplace_back();
      int nv = 0;
      tables_.back().call = m_.Canonical(goal, nv);
      tables_.back().num_vars = nv;
      table_index_.emplace(std::move(key), ti);
      Evaluate(ti);
    } else {
      ti = it->second;
      Table& t = tables_[ti];
      if (!t.complete && !t.on_stack && t.eval_stamp != stamp_) Evaluate(ti);
    }
    Table& t = tables_[ti];
    if (!t.complete) {
      int dep = t.on_stack ? t.stack_pos : t.leader_pos;
      Frame& top = stack_.back();
      top.leader = std::min(top.leader, dep);
      stack_[dep].cyclic = true;
    }
    for (std::size_t i = 0; i < tables_[ti].answers.size(); ++i) {
      Answer a = tables_[ti].answers[i];
      auto mark = m_.GetMark();
      const Term* inst = a.num_vars ? m_.Rename(a.term, m_.NewVars(a.num_vars)) : a.term;
      if (m_.Unify(goal, inst)) {
        bool det = gp_.node(a.node).is_true;
        if (!det) lits_.push_back(a.node);
        k();
        if (!det) lits_.pop_back();
      }
      m_.Undo(mark);
    }
  }

  void Evaluate(int ti) {
    int pos = static_cast<int>(stack_.size());
    if (pos > options_.max_depth) {
      throw GroundingError("Recursion too deep (more than " + std::to_string(options_.max_depth) +
                               " nested calls)",
                           m_.where);
    }
    stack_.push_back({ti, pos, false});
    tables_[ti].on_stack = true;
    tables_[ti].stack_pos = pos;
    std::size_t scc_mark = scc_members_.size();
    auto saved_lits = std::move(lits_);
    lits_.clear();
    SourceLocation saved_where = m_.where;
    const Term* call = tables_[ti].call;
    auto def = program_.Lookup(call->name, call->arity);
    while (true) {
      tables_[ti].eval_stamp = stamp_;
      std::uint64_t before = changes_;
      auto mark = m_.GetMark();
      const Term* goal = m_.Rename(call, m_.NewVars(tables_[ti].num_vars));
      for (ClauseRef ref : *def.refs) {
        ResolveClause(goal, (*def.clauses)[ref.clause], ref, [&] { RecordAnswer(ti, goal); });
      }
      m_.Undo(mark);
      const Frame& f = stack_[pos];
      if (f.leader < pos || !f.cyclic || changes_ == before) break;
      ++stamp_;
    }
    m_.where = saved_where;
    lits_ = std::move(saved_lits);
    Frame f = stack_.back();
    stack_.pop_back();
    Table& t = tables_[ti];
    t.on_stack = false;
    if (f.leader < pos) {
      t.leader_pos = f.leader;
      scc_members_.push_back(ti);
      stack_.back().leader = std::min(stack_.back().leader, f.leader);
    } else {
      t.complete = true;
      for (std::size_t i = scc_mark; i < scc_members_.size(); ++i) {
        tables_[scc_members_[i]].complete = true;
      }
      scc_members_.resize(scc_mark);
    }
  }

  static bool QuickMismatch(const Term* a, const Term* b) {
    // a: dereferenced goal argument, b: clause head argument (clause-local)
    if (a->kind == TermKind::kVar || b->kind == TermKind::kVar) return false;
    if (a->kind != b->kind) return true;
    switch (a->kind) {
      case TermKind::kAtom: return a->name != b->name;
      case TermKind::kInt: return a->int_value != b->int_value;
      case TermKind::kFloat: return a->float_value != b->float_value;
      case TermKind::kCompound: return a->name != b->name || a->arity != b->arity;
      default: return false;
    }
  }

  void ResolveClause(const Term* goal, const Clause& c, ClauseRef ref, Cont k) {
    const Term* head = c.heads[static_cast<std::size_t>(ref.head)];
    if (goal->arity > 0 && QuickMismatch(m_.Deref(goal->args[0]), head->args[0])) return;
    auto mark = m_.GetMark();
    std::int64_t base = m_.NewVars(c.num_vars);
    if (m_.Unify(goal, m_.Rename(head, base))) {
      m_.where = c.location;
      if (!c.probabilistic()) {
        if (c.body) Solve(m_.Rename(c.body, base), k);
        else k();
      } else {
        auto choose = [&] {
          m_.where = c.location;
          Lit lit = ChoiceLiteral(c, ref.clause, ref.head, base);
          if (lit) lits_.push_back(lit);
          k();
          if (lit) lits_.pop_back();
        };
        if (c.body) Solve(m_.Rename(c.body, base), choose);
        else choose();
      }
    }
    m_.Undo(mark);
  }

  // The choice literal of head `h` of the ground instance of clause c bound at `base`;
  // 0 when the choice is certain (a single head with fixed probability 1).
  Lit ChoiceLiteral(const Clause& c, int clause_index, int h, std::int64_t base) {
    std::string key = std::to_string(clause_index) + ":";
    for (int v : c.instance_vars) {
      const Term* value = m_.Rename(m_.arena().Var(v), base);
      if (!m_.IsGround(value)) {
        const Term* head = c.heads[static_cast<std::size_t>(h)];
        SourceLocation where = c.location;
        if (head->line > 0) {
          where.line = head->line;
          where.column = head->column;
        }
        throw NonGroundProbabilisticClause("Encountered a non-ground probabilistic clause", where);
      }
      m_.AppendVariantKey(key, value);
    }
    auto [it, inserted] = group_index_.try_emplace(key, static_cast<int>(gp_.groups.size()));
    int g = it->second;
    if (inserted) {
      ChoiceGroup group;
      group.clause = clause_index;
      group.tunable = c.tunable;
      group.choice_nodes.assign(c.heads.size(), 0);
      for (std::size_t i = 0; i < c.heads.size(); ++i) {
        group.probs.push_back(c.tunable[i] >= 0 ? values_.at(static_cast<std::size_t>(c.tunable[i]))
                                                : EvalProbability(c.probs[i], base));
      }
      if (options_.record_group_bodies) group.body_node = gp_.AddAtom(nullptr);
      gp_.groups.push_back(std::move(group));
    }
    if (options_.record_group_bodies) gp_.AddBody(gp_.groups[g].body_node, lits_);
    ChoiceGroup& group = gp_.groups[g];
    if (group.probs.size() == 1 && group.tunable[0] < 0 && group.probs[0] >= 1.0) return 0;
    if (!group.choice_nodes[h]) {
      gp_.nodes.emplace_back();
      gp_.nodes.back().kind = GroundNode::Kind::kChoice;
      gp_.nodes.back().group = g;
      gp_.nodes.back().head = h;
      gp_.groups[g].choice_nodes[h] = static_cast<int>(gp_.nodes.size());
    }
    return gp_.groups[g].choice_nodes[h];
  }

  double EvalProbability(const Term* p, std::int64_t base) {
    Number n = m_.Eval(m_.Rename(p, base));
    return n.AsDouble();
  }

  void RecordAnswer(int ti, const Term* goal) {
    std::string key;
    m_.AppendVariantKey(key, goal);
    Table& t = tables_[ti];
    auto [it, inserted] = t.answer_index.try_emplace(std::move(key), 0);
    if (inserted) {
      int nv = 0;
      const Term* term = m_.Canonical(goal, nv);
      it->second = static_cast<int>(t.answers.size());
      t.answers.push_back({term, nv, gp_.AddAtom(term)});
      ++changes_;
    }
    int node = t.answers[static_cast<std::size_t>(it->second)].node;
    if (gp_.AddBody(node, lits_)) ++changes_;
  }

  const Program& program_;
  const GroundOptions& options_;
  GroundProgram& gp_;
  Machine m_;
  std::vector<double> values_;
  std::vector<Lit> lits_;
  std::deque<Table> tables_;
  std::unordered_map<std::string, int> table_index_;
  std::unordered_map<std::string, int> group_index_;
  std::unordered_map<std::string, int> negation_cache_;
  std::vector<Frame> stack_;
  std::vector<int> scc_members_;
  std::uint64_t stamp_ = 0;
  std::uint64_t changes_ = 0;
};

}  // namespace

GroundProgram Ground(const Program& program, const GroundOptions& options) {
  GroundProgram out;
  Grounder grounder(program, options, out);
  grounder.Run();
  return out;
}

}  // namespace symnas::logic
