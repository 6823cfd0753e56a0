// The tuner's only contact with the logic engine: takes program text (rules + facts + queries)
// or an LFI model with interpretations; produces query probabilities or learned weights.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace symnas::tuner {

/// Query answers: the ground atom as text without blanks ("action(reg_l2,overfitting)") ->
/// its probability.
using Answers = std::map<std::string, double>;

/// Evaluates `program` (which contains its own query/1 directives) with the logic engine.
/// Engine errors (ParseError, UnknownClause, ...) propagate with `file_name` in the location.
Answers Infer(const std::string& program, const std::string& file_name);

/// One interpretation: observed truth value of some ground atoms.
using Interpretation = std::map<std::string, bool>;

/// What learning from interpretations returns.
struct LfiResult {
  std::map<std::string, double> weights;  ///< learnable atom (text without blanks) -> weight
  double log_likelihood = 0.0;
  int iterations = 0;
};

/// Runs the engine's LFI (EM, Gutmann et al. 2011) on `model`, whose learnable facts are
/// written t(W)::atom, with the given interpretations.
LfiResult Learn(const std::string& model, const std::vector<Interpretation>& interpretations);

}  // namespace symnas::tuner
