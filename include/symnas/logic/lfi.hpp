// Learning from interpretations (LFI): a model with t(...) parameters + partial interpretations
// -> maximum-likelihood weights by expectation maximisation (Gutmann, Thon, De Raedt, ECML 2011),
// following ProbLog 2's lfi module. Reuses grounding, formula, BDD and weighted model counting.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "symnas/logic/program.hpp"

namespace symnas::logic {

/// One (partial) interpretation: observed atoms (as text) with their truth values.
using Interpretation = std::vector<std::pair<std::string, bool>>;

/// Parses interpretations: `evidence(Atom, true|false).` / `evidence(Atom).` lines, examples
/// separated by lines starting with `---` (no separator: one interpretation).
std::vector<Interpretation> ParseInterpretations(std::string_view text,
                                                 const std::string& file_name = "<evidence>");
/// Reads a .ev file; throws ConfigError if unreadable, ParseError if malformed.
std::vector<Interpretation> ReadInterpretationsFile(const std::string& path);

struct LfiOptions {
  int max_iterations = 10000;      ///< ProbLog's default
  double min_improvement = 1e-10;  ///< stop when the sum of log-parameters changes by less
  unsigned seed = 0;               ///< for t(_) start values
  /// Count every grounding of a learnable clause in every example, not only those relevant to
  /// the example's evidence (the fixed point is the same; convergence speed differs).
  bool ground_all_tunables = false;
};

/// One learned parameter, in program order.
struct LearnedWeight {
  std::string key;  ///< as ProbLog prints it, e.g. "t(0.5)::lights_on(R)"
  double weight = 0.0;
};

struct LfiResult {
  std::vector<LearnedWeight> weights;  ///< one per Program::tunables(), in program order
  /// t(_, X, ...) templates: one weight per binding met in the examples ("key for values").
  std::vector<LearnedWeight> instance_weights;
  double log_likelihood = 0.0;  ///< sum of log P(example) at the weights before the last update
  int iterations = 0;
  int used_examples = 0;        ///< examples with P > 0 (others are ignored, as in ProbLog)
  std::string learned_program;  ///< the model with learned weights, as ProbLog prints it
};

/// Runs EM. Steps per iteration: (1) for each example, P(evidence) and, for each ground
/// instance of a learnable clause, P(body & evidence) and P(head chosen & body & evidence) by
/// weighted model counting on BDDs compiled once per example; (2) each weight := expected
/// count of its head / expected count of its body (0 when the body count is <= 1e-15);
/// (3) learnable heads of an annotated disjunction are rescaled to sum to 1 - (fixed mass);
/// (4) stop when the sum of log-weights changes by less than min_improvement (and did not
/// decrease) or after max_iterations.
LfiResult LearnParameters(const Program& model, const std::vector<Interpretation>& examples,
                          const LfiOptions& options = {});

/// "key<TAB>weight" lines (%.15g), then "#score<TAB>..." and "#iterations<TAB>...".
std::string FormatLfiResult(const LfiResult& result);

}  // namespace symnas::logic
