// The tuner's bridge to the engine's LFI: model + interpretations -> learned weights
// (symnas::logic::LearnParameters).
#include "symnas/tuner/logic_bridge.hpp"

#include "symnas/logic/lfi.hpp"
#include "symnas/logic/program.hpp"
#include "symnas/tuner/rule_base.hpp"

namespace symnas::tuner {

LfiResult Learn(const std::string& model, const std::vector<Interpretation>& interpretations) {
  const auto parsed = logic::Program::FromText(model, "<tuner LFI model>");
  std::vector<logic::Interpretation> examples;
  for (const auto& interpretation : interpretations) {
    examples.emplace_back(interpretation.begin(), interpretation.end());
  }
  const auto learned = logic::LearnParameters(parsed, examples);
  LfiResult result;
  result.log_likelihood = learned.log_likelihood;
  result.iterations = learned.iterations;
  for (const auto& weight : learned.weights) {
    // Keys are printed as "t(0.5)::atom": keep the atom.
    const std::size_t colons = weight.key.find("::");
    const std::string atom =
        colons == std::string::npos ? weight.key : weight.key.substr(colons + 2);
    result.weights[CompactTerm(atom)] = weight.weight;
  }
  return result;
}

}  // namespace symnas::tuner
