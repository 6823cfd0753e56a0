// libFuzzer target: arbitrary bytes as a user rule file (--rules) -> RuleBase::AddText after the
// shipped rules, then one tuner inference over a trial's facts under the tuner's limits (issue
// 16). symnas::Error (ParseError, RuleError, LimitExceeded, ... located in "fuzz.pl") is the
// expected outcome of bad input; anything else is a failure.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "symnas/common/error.hpp"
#include "symnas/search/evaluator.hpp"
#include "symnas/tuner/facts.hpp"
#include "symnas/tuner/reasoner.hpp"
#include "symnas/tuner/rule_base.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace symnas::tuner;
  static const RuleBase shipped = RuleBase::Shipped();
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    RuleBase rules = shipped;
    rules.AddText(text, "fuzz.pl");
    symnas::search::EvalResult result;
    result.curves.train_acc = {0.5, 0.7};
    result.curves.val_acc = {0.45, 0.6};
    result.curves.train_loss = {1.2, 0.8};
    result.curves.val_loss = {1.3, 1.0};
    result.metrics = {{"flops", 2e7}};
    // Tight bounds keep each input fast; exceeding them is an expected LimitExceeded.
    ReasonOverFacts(rules, {}, FactsToProlog(ExtractFacts(result, {{"flops", 1e7}}, 1)),
                    {2.0, std::size_t{256} << 20});
  } catch (const symnas::Error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "not a symnas::Error: %s\n", e.what());
    std::abort();
  }
  return 0;
}
