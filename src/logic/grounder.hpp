// Internal: the grounder's state and steps, shared by ground.cpp (top level: queries, evidence,
// LFI instances), resolve.cpp (goals, control constructs, negation) and tabling.cpp (tables,
// SCC fixpoint, clause resolution, probabilistic choices, answers).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "machine.hpp"
#include "symnas/logic/errors.hpp"
#include "symnas/logic/ground.hpp"

namespace symnas::logic {

struct Answer {
  const Term* term;  // canonical (local variables)
  int num_vars;
  int node;
  std::vector<std::uint64_t> det_seqs;  // when it was proved deterministically (first pass)
};

struct Table {
  const Term* call = nullptr;  // canonical call pattern
  int num_vars = 0;
  std::vector<Answer> answers;
  std::unordered_map<std::string, int> answer_index;
  bool complete = false;
  bool first_pass = true;  // answers' det_count is counted in the first evaluation only
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

/// Grounds one Program into one GroundProgram (see ground.hpp for the contract).
class Grounder {
 public:
  Grounder(const Program& program, const GroundOptions& options, GroundProgram& out)
      : program_(program), options_(options), gp_(out), m_(*out.arena) {
    values_ = options.tunable_values.empty() ? program.tunable_values() : options.tunable_values;
  }

  /// Grounds the evidence, then the queries, then (LFI option) every learnable instance.
  void Run() {
    for (const EvidenceSpec& e : program_.evidence()) GroundEvidenceItem(e);
    for (const QuerySpec& q : program_.queries()) GroundQueryItem(q);
    if (options_.ground_all_tunables) GroundAllTunables();
  }

 private:
  // top level (ground.cpp)
  void GroundQueryItem(const QuerySpec& q);
  void GroundQueryGoal(const Term* query, int num_vars, const SourceLocation& location);
  const VarNames& ProbLogVarNames(const std::vector<std::int64_t>& globals, std::int64_t base,
                                  int num_vars);
  void GroundEvidenceItem(const EvidenceSpec& e);
  void GroundAllTunables();

  // Runs body() in a fresh derivation context; a dependency on an enclosing incomplete table
  // means negation through a cycle.
  template <class F>
  void WithBarrier(
      F&& body, const char* class_name = "NegativeCycle",
      const char* message = "Negation or aggregation through a cycle (program is not stratified)") {
    int pos = static_cast<int>(stack_.size());
    stack_.push_back({-1, pos, false});
    auto saved = std::move(lits_);
    lits_.clear();
    body();
    lits_ = std::move(saved);
    Frame f = stack_.back();
    stack_.pop_back();
    if (f.leader < pos) {
      throw GroundingError(message, m_.where, class_name);
    }
  }

  // Estimated bytes of the terms and ground program built so far (for ResourceMeter).
  std::size_t BytesInUse() const {
    return gp_.arena->bytes() + gp_.nodes.size() * (sizeof(GroundNode) + 64) + lits_.size() * 8;
  }

  // goals (resolve.cpp)
  void Solve(const Term* goal, Cont k);
  void IfThenElse(const Term* cond, const Term* then, const Term* otherwise, Cont k);
  // findall/3, all/3, all_or_none/3 (findall.cpp)
  enum class AllMode { kFindall, kAll, kAllOrNone };
  struct Branch {
    int order = 0;
    std::vector<Lit> lits;
  };
  void FindAll(const Term* goal, AllMode mode, Cont k);
  void Branches(Lit lit, std::vector<int>& path, std::vector<Branch>& out);
  std::vector<Branch> ConjunctionBranches(const std::vector<Lit>& lits, Branch start,
                                          std::vector<int>& path);
  Lit ProofLiteral(const std::vector<Lit>& proof);
  void SolveNegation(const Term* goal, Cont k, bool negative_head = false);
  bool HasNegativeHeads(const Term* call);
  static bool IsControl(const Term* goal);
  void SolveTry(const Term* goal, Cont k);
  // clause/2,3 and subquery/2..5 (reflect.cpp)
  void SolveClauseLookup(const Term* goal, Cont k);
  void SolveSubquery(const Term* goal, Cont k);

  // tabling and clauses (tabling.cpp)
  void CallTabled(const Term* goal, Cont k);
  void ConsumeAnswer(int ti, std::size_t i, const Term* goal, Cont k);
  void ReplayForFindall(int ti, const Term* goal, Cont k);
  void Evaluate(int ti);
  void ResolveClause(const Term* goal, const Clause& c, ClauseRef ref, Cont k);
  Lit ChoiceLiteral(const Clause& c, int clause_index, int h, std::int64_t base);
  double EvalProbability(const Term* p, std::int64_t base);
  int TunableInstanceOf(int tunable, std::int64_t base);
  void RecordAnswer(int ti, const Term* goal);

  const Program& program_;
  const GroundOptions& options_;
  GroundProgram& gp_;
  Machine m_;
  std::vector<double> values_;
  std::vector<Lit> lits_;  // literals of the current derivation (stack discipline)
  std::deque<Table> tables_;
  std::unordered_map<std::string, int> table_index_;
  std::unordered_map<std::string, int> group_index_;
  std::unordered_map<std::string, int> negation_cache_;
  std::unordered_map<std::string, int> proof_nodes_;
  VarNames answer_names_;  // ProbLogVarNames' result
  int findall_depth_ = 0;  // > 0 while findall/3 collects: deterministic duplicates are replayed
  std::uint64_t derivation_seq_ =
      0;  // numbers the recorded derivations  // conjunction -> node (findall)
  std::vector<Frame> stack_;
  std::vector<int> scc_members_;
  std::uint64_t stamp_ = 0;    // bumped per fixpoint iteration of a leader
  std::uint64_t changes_ = 0;  // new answers or bodies so far
};

}  // namespace symnas::logic
