// Benchmarks of the logic engine: tuner-like inference (diagnosis over 50-epoch curves + 20
// probabilistic action rules, query(action(_,_))) and LFI with 30 interpretations.
#include <benchmark/benchmark.h>

#include <random>

#include "symnas/logic/ground.hpp"
#include "symnas/logic/inference.hpp"
#include "symnas/logic/lfi.hpp"
#include "tuner_like.hpp"

namespace symnas::logic::bench {
namespace {

// The tuner's per-trial path: rules parsed once, facts of the trial added, inference run.
void BM_TunerInference(benchmark::State& state) {
  const Program rules = Program::FromText(TunerRules(false), "tuner.pl");
  std::mt19937 rng(42);
  std::vector<std::string> trials;
  for (int i = 0; i < 16; ++i) trials.push_back(TrialFacts(rng, static_cast<int>(state.range(0))));
  std::size_t i = 0, answers = 0;
  for (auto _ : state) {
    Program p = rules;
    p.AddText(trials[i++ % trials.size()], "trial.pl");
    p.AddQuery("action(_, _)");
    auto result = Infer(p);
    answers += result.size();
    benchmark::DoNotOptimize(result);
  }
  state.counters["answers_per_run"] =
      benchmark::Counter(static_cast<double>(answers) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_TunerInference)->Arg(50)->Arg(200)->Unit(benchmark::kMicrosecond);

// The same including parsing the rule file every time.
void BM_TunerInferenceWithParse(benchmark::State& state) {
  std::mt19937 rng(42);
  std::string text = TunerRules(false) + TrialFacts(rng) + "query(action(_, _)).\n";
  for (auto _ : state) {
    auto result = Infer(Program::FromText(text, "tuner.pl"));
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_TunerInferenceWithParse)->Unit(benchmark::kMicrosecond);

// Grounding alone (the stage that walks the curves).
void BM_TunerGroundOnly(benchmark::State& state) {
  std::mt19937 rng(42);
  Program p = Program::FromText(TunerRules(false) + TrialFacts(rng), "tuner.pl");
  p.AddQuery("action(_, _)");
  for (auto _ : state) {
    auto gp = Ground(p);
    benchmark::DoNotOptimize(gp);
  }
}
BENCHMARK(BM_TunerGroundOnly)->Unit(benchmark::kMicrosecond);

// LFI: the 20 action weights learned from 30 partial interpretations.
void BM_TunerLfi(benchmark::State& state) {
  std::mt19937 rng(7);
  std::string facts = TrialFacts(rng);
  Program model = Program::FromText(TunerRules(true) + facts, "tuner.pl");
  Program fixed = Program::FromText(TunerRules(false) + facts + "query(action(_, _)).\n");
  std::vector<std::string> possible;
  for (const QueryAnswer& a : Infer(fixed)) possible.push_back(a.atom);
  auto examples = TunerInterpretations(rng, static_cast<int>(state.range(0)), possible);
  int iterations = 0;
  for (auto _ : state) {
    LfiResult r = LearnParameters(model, examples);
    iterations = r.iterations;
    benchmark::DoNotOptimize(r);
  }
  state.counters["em_iterations"] = iterations;
  state.counters["observable_actions"] = static_cast<double>(possible.size());
}
BENCHMARK(BM_TunerLfi)->Arg(30)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace symnas::logic::bench

BENCHMARK_MAIN();
