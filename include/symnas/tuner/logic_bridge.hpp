// The tuner's bridge to the engine's LFI: an LFI model with interpretations -> learned weights.
// (Inference goes through RuleBase::Instantiate and logic::Infer.)
#pragma once

#include <map>
#include <string>
#include <vector>

namespace symnas::tuner {

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
