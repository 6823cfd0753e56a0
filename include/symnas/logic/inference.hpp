// Exact inference: Program (queries + evidence) -> P(answer | evidence) for every query answer.
// Pipeline: Ground -> BuildFormula -> BreakCycles -> BDD compilation -> weighted model counting.
#pragma once

#include <string>
#include <vector>

#include "symnas/logic/limits.hpp"
#include "symnas/logic/program.hpp"

namespace symnas::logic {

/// One answer of a query: the ground atom as ProbLog prints it and its probability.
struct QueryAnswer {
  std::string atom;               ///< e.g. "action(dec_layers,thr_exceeded)"
  std::string functor;            ///< "action"
  std::vector<std::string> args;  ///< printed arguments, e.g. {"dec_layers", "thr_exceeded"}
  double probability = 0.0;       ///< P(atom | evidence)
};

/// Sizes of the intermediate stages, for benchmarks and diagnostics.
struct InferenceStats {
  std::size_t ground_nodes = 0;
  std::size_t formula_nodes = 0;
  std::size_t bdd_nodes = 0;
  std::size_t bdd_vars = 0;
};

struct InferenceOptions {
  std::size_t max_bdd_nodes = 20'000'000;  ///< BddTooLarge beyond this
  ResourceLimits limits;                   ///< time and memory (TimeLimitExceeded, ...)
};

/// Evaluates every query of `program` given its evidence. Answers are sorted by atom text
/// (plain byte order, as ProbLog's output). Throws the errors of Ground() and
/// InconsistentEvidenceError when the evidence has probability 0.
std::vector<QueryAnswer> Infer(const Program& program, const InferenceOptions& options = {},
                               InferenceStats* stats = nullptr);

/// Formats answers as "atom<TAB>probability" lines with %.15g numbers.
std::string FormatAnswers(const std::vector<QueryAnswer>& answers);

}  // namespace symnas::logic
