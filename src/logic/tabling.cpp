// Tabling of the grounder: one table per call variant, answers with their bodies, the SCC
// fixpoint for recursive calls, clause resolution and probabilistic choice literals.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "grounder.hpp"
#include "symnas/logic/parser.hpp"

namespace symnas::logic {

namespace {

constexpr int kMaxReplays = 1000;  // bound on replayed duplicate deterministic answers

bool QuickMismatch(const Term* a, const Term* b) {
  // a: dereferenced goal argument, b: clause head argument (clause-local)
  if (a->kind == TermKind::kVar || b->kind == TermKind::kVar) return false;
  if (a->kind != b->kind) return true;
  switch (a->kind) {
    case TermKind::kAtom:
      return !SameSignature(a->name, b->name);
    case TermKind::kInt:
      return a->int_value != b->int_value;
    case TermKind::kFloat:
      return a->float_value != b->float_value;
    case TermKind::kCompound:
      return a->arity != b->arity || !SameSignature(a->name, b->name);
    default:
      return false;
  }
}

}  // namespace

void Grounder::CallTabled(const Term* goal, Cont k) {
  std::string key;
  m_.AppendVariantKey(key, goal);
  auto it = table_index_.find(key);
  int ti;
  if (it == table_index_.end()) {
    auto def = program_.Lookup(goal->name, goal->arity);
    if (!def.refs) {
      if (program_.unknown_fails()) return;
      SourceLocation where = m_.where;
      if (goal->line > 0) {
        where.line = goal->line;
        where.column = goal->column;
      }
      throw UnknownClause(
          "No clauses found for '" + *goal->name + "/" + std::to_string(goal->arity) + "'", where);
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
  if (findall_depth_ > 0 && tables_[ti].complete) {
    ReplayForFindall(ti, goal, k);
    return;
  }
  for (std::size_t i = 0; i < tables_[ti].answers.size(); ++i) {
    if (options_.meter) options_.meter->Check("grounding", BytesInUse());
    ConsumeAnswer(ti, i, goal, k);
  }
}

void Grounder::ConsumeAnswer(int ti, std::size_t i, const Term* goal, Cont k) {
  const Answer& a = tables_[ti].answers[i];
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

// Under findall/3 an answer proved deterministically n times is n solutions, in the order they
// were proved (ProbLog keeps duplicate proofs: r(a). r(b). r(a). gives [a, b, a]); uncertain
// answers follow (findall orders them by their proofs).
void Grounder::ReplayForFindall(int ti, const Term* goal, Cont k) {
  std::vector<std::pair<std::uint64_t, std::size_t>> events;
  const auto& answers = tables_[ti].answers;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    if (!gp_.node(answers[i].node).is_true || answers[i].det_seqs.empty()) {
      events.push_back({~std::uint64_t{0}, i});
    } else {
      for (std::uint64_t seq : answers[i].det_seqs) events.push_back({seq, i});
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  for (auto [seq, i] : events) {
    if (options_.meter) options_.meter->Check("grounding", BytesInUse());
    ConsumeAnswer(ti, i, goal, k);
  }
}

void Grounder::Evaluate(int ti) {
  int pos = static_cast<int>(stack_.size());
  if (pos > options_.max_depth) {
    throw GroundingError(
        "Recursion too deep (more than " + std::to_string(options_.max_depth) + " nested calls)",
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
  bool negative_heads = HasNegativeHeads(call);
  while (true) {
    tables_[ti].eval_stamp = stamp_;
    std::uint64_t before = changes_;
    auto mark = m_.GetMark();
    const Term* goal = m_.Rename(call, m_.NewVars(tables_[ti].num_vars));
    for (ClauseRef ref : *def.refs) {
      auto record = [&] { RecordAnswer(ti, goal); };
      // An answer also derived by a negative head literal (`\+a :- c.`) holds only without it.
      auto checked = [&] { SolveNegation(goal, record, true); };
      if (negative_heads)
        ResolveClause(goal, (*def.clauses)[ref.clause], ref, checked);
      else
        ResolveClause(goal, (*def.clauses)[ref.clause], ref, record);
    }
    m_.Undo(mark);
    tables_[ti].first_pass = false;
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

void Grounder::ResolveClause(const Term* goal, const Clause& c, ClauseRef ref, Cont k) {
  const Term* head = c.heads[static_cast<std::size_t>(ref.head)];
  if (goal->arity > 0 && QuickMismatch(m_.Deref(goal->args[0]), head->args[0])) return;
  auto mark = m_.GetMark();
  std::int64_t base = m_.NewVars(c.num_vars);
  if (m_.Unify(goal, m_.Rename(head, base))) {
    m_.where = c.location;
    if (!c.probabilistic()) {
      if (c.body)
        Solve(m_.Rename(c.body, base), k);
      else
        k();
    } else {
      auto choose = [&] {
        m_.where = c.location;
        Lit lit = ChoiceLiteral(c, ref.clause, ref.head, base);
        if (lit) lits_.push_back(lit);
        k();
        if (lit) lits_.pop_back();
      };
      if (c.body)
        Solve(m_.Rename(c.body, base), choose);
      else
        choose();
    }
  }
  m_.Undo(mark);
}

// The choice literal of head `h` of the ground instance of clause c bound at `base`;
// 0 when the choice is certain (a single head with fixed probability 1).
Lit Grounder::ChoiceLiteral(const Clause& c, int clause_index, int h, std::int64_t base) {
  std::string key = std::to_string(clause_index) + ":";
  bool learnable = false;
  for (int t : c.tunable) learnable = learnable || t >= 0;
  for (int v : options_.instances_by_head&& learnable ? c.head_vars : c.instance_vars) {
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
      double p = c.tunable[i] >= 0 ? values_.at(static_cast<std::size_t>(c.tunable[i]))
                                   : EvalProbability(c.probs[i], base);
      if (c.tunable[i] >= 0 && options_.instances &&
          !program_.tunables()[static_cast<std::size_t>(c.tunable[i])].args.empty()) {
        group.tunable[i] = TunableInstanceOf(c.tunable[i], base);
      }
      if (std::isnan(p)) {
        throw GroundingError("Parameter t(_) has no value: learn it with LFI first or write t(p)",
                             c.location, "UnknownParameter");
      }
      group.probs.push_back(p);
    }
    CheckProbabilities(c, group.probs);
    if (options_.record_group_bodies) {
      group.body_node = gp_.AddAtom(nullptr);
      for (const Term* head : c.heads) {
        const Term* bound = m_.Resolve(m_.Rename(head, base));
        std::string args;
        for (std::uint32_t a = 0; a < bound->arity; ++a) args += ToString(bound->args[a]) + ",";
        group.head_args.push_back(std::to_string(bound->arity) + ":" + args);
      }
    }
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

// The index of the instance of template `tunable` for the values its arguments have at `base`.
int Grounder::TunableInstanceOf(int tunable, std::int64_t base) {
  TunableInstances& reg = *options_.instances;
  const Tunable& t = program_.tunables()[static_cast<std::size_t>(tunable)];
  TunableInstance inst;
  inst.tunable = tunable;
  for (const Term* arg : t.args) {
    const Term* value = m_.Resolve(m_.Rename(arg, base));
    if (!value->ground) {
      throw NonGroundProbabilisticClause(
          "The arguments of " + t.key + " are not ground when the clause is used", m_.where);
    }
    if (!inst.args_key.empty()) inst.args_key += ",";
    inst.args_key += ToString(value);
  }
  auto [it, inserted] = reg.index.try_emplace(std::to_string(tunable) + ":" + inst.args_key, 0);
  if (inserted) {
    // The values may live in an example's arena: keep a copy read back from their text.
    auto parsed = ParseProgramText("v(" + inst.args_key + ").", "<instance>", *reg.arena);
    const Term* v = parsed.at(0).term;
    inst.values.assign(v->args, v->args + v->arity);
    it->second = static_cast<int>(reg.items.size());
    reg.items.push_back(std::move(inst));
  }
  return reg.first_index + it->second;
}

double Grounder::EvalProbability(const Term* p, std::int64_t base) {
  Number n = m_.Eval(m_.Rename(p, base));
  return n.AsDouble();
}

void Grounder::RecordAnswer(int ti, const Term* goal) {
  // Answers can multiply without a new goal being solved (2^n subsets of a list flow from
  // table to table): the limits are checked here too, not only per goal.
  if (options_.meter) options_.meter->Check("grounding", BytesInUse());
  std::string key;
  m_.AppendVariantKey(key, goal);
  Table& t = tables_[ti];
  auto [it, inserted] = t.answer_index.try_emplace(std::move(key), 0);
  if (inserted) {
    int nv = 0;
    const Term* term = m_.Canonical(goal, nv);
    it->second = static_cast<int>(t.answers.size());
    t.answers.push_back({term, nv, gp_.AddAtom(term), {}});
    ++changes_;
  }
  Answer& answer = t.answers[static_cast<std::size_t>(it->second)];
  ++derivation_seq_;
  if (lits_.empty() && t.first_pass && answer.det_seqs.size() < kMaxReplays) {
    answer.det_seqs.push_back(derivation_seq_);
  }
  if (gp_.AddBody(answer.node, lits_)) ++changes_;
}

}  // namespace symnas::logic
