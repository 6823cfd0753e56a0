// Prints the tuner's program for one trial, exactly as the symbolic tuner builds it (shipped
// rules/diagnosis.pl + rules/tuning.pl with their initial weights, the trial's facts from
// FactsToProlog, the two queries of ReasonOverFacts), for bench/logic/compare_problog.py.
// The trial is a fixed, overfitting 50-epoch run over budget on FLOPs.
#include <cmath>
#include <cstdio>

#include "symnas/tuner/facts.hpp"
#include "symnas/tuner/rule_base.hpp"

int main() {
  using namespace symnas;
  constexpr int kEpochs = 50;
  tuner::TrialFacts facts;
  for (int e = 0; e < kEpochs; ++e) {
    const double t = static_cast<double>(e + 1);
    facts.raw.train_loss.push_back(2.3 * std::exp(-t / 8.0) + 0.05);
    facts.raw.train_acc.push_back(0.98 - 0.88 * std::exp(-t / 8.0));
    facts.raw.val_loss.push_back(2.3 * std::exp(-t / 6.0) + 0.4 + 0.01 * t);
    facts.raw.val_acc.push_back(0.80 - 0.70 * std::exp(-t / 6.0) - 0.002 * t);
  }
  const auto smooth = [](const std::vector<double>& v) { return tuner::Ema(v); };
  facts.smoothed = {smooth(facts.raw.train_loss), smooth(facts.raw.train_acc),
                    smooth(facts.raw.val_loss), smooth(facts.raw.val_acc)};
  facts.int_loss = tuner::TrapezoidIntegral(facts.raw.val_loss);
  facts.int_slope = tuner::SlopeIntegral(facts.raw.val_loss);
  facts.thresholds = tuner::ThresholdsAtIteration(3);
  facts.metrics = {{"flops", 3.1e7}, {"params", 1.2e6}, {"latency_ms", 4.2}};
  facts.budgets = {{"flops", 2.0e7}, {"params", 2.0e6}};
  const tuner::RuleBase rules = tuner::RuleBase::Shipped();
  std::printf("%s\n%% facts of the trial\n%squery(problem(_)).\nquery(action(_, _)).\n",
              rules.Instantiate(rules.InitialWeights()).ToText().c_str(),
              tuner::FactsToProlog(facts).c_str());
  return 0;
}
