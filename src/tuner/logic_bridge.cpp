// The tuner's bridge to the logic engine: program text -> query answers; LFI model +
// interpretations -> learned weights (symnas::logic::Infer and LearnParameters).
#include "symnas/tuner/logic_bridge.hpp"

#include "symnas/logic/inference.hpp"
#include "symnas/logic/lfi.hpp"
#include "symnas/logic/program.hpp"
#include "symnas/tuner/rule_base.hpp"

namespace symnas::tuner {

Answers Infer(const std::string& program, const std::string& file_name) {
  const auto parsed = logic::Program::FromText(program, file_name);
  Answers answers;
  for (const auto& answer : logic::Infer(parsed)) {
    answers[CompactTerm(answer.atom)] = answer.probability;
  }
  return answers;
}

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
