// A tuner-like ProbLog program (diagnosis rules over 50-epoch learning curves given as lists,
// 20 probabilistic tuning rules) and random LFI interpretations for it, shared by the benchmark.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "symnas/logic/lfi.hpp"
#include "symnas/logic/program.hpp"

namespace symnas::logic::bench {

/// Diagnosis rules + 20 probabilistic action rules (weights fixed or t(...) when learnable).
inline std::string TunerRules(bool learnable) {
  std::string p = R"(:- use_module(library(lists)).
window([X|T], N, W) :- length([X|T], L), L =< N, W = [X|T].
window([_|T], N, W) :- length(T, L), L >= N, window(T, N, W).
rising([_]).
rising([A, B|T]) :- B >= A, rising([B|T]).
problem(overfitting) :- a(A), va(V), last(A, X), last(V, Y), D is X - Y, D > 0.1.
problem(underfitting) :- a(A), last(A, X), X < 0.7.
problem(high_loss) :- l(L), last(L, X), X > 1.0.
problem(plateau) :- v(V), window(V, 10, W), max_list(W, Mx), min_list(W, Mn), Mx - Mn < 0.01.
problem(val_rising) :- v(V), append(_, [A, B, C], V), C > B, B > A.
problem(still_learning) :- a(A), window(A, 5, W), rising(W).
problem(noisy) :- l(L), window(L, 10, W), sum_list(W, S), length(W, N), M is S / N,
                  max_list(W, Mx), Mx - M > 0.2.
problem(thr_exceeded) :- flops(F), flops_th(T), F > T.
problem(too_big) :- params(P), params_th(T), P > T.
)";
  const char* actions[20][3] = {
      {"0.6", "reg_l2", "overfitting"},        {"0.45", "inc_dropout", "overfitting"},
      {"0.8", "data_augment", "overfitting"},  {"0.3", "dec_layers", "overfitting"},
      {"0.65", "inc_neurons", "underfitting"}, {"0.5", "inc_layers", "underfitting"},
      {"0.4", "inc_lr", "underfitting"},       {"0.55", "dec_lr", "high_loss"},
      {"0.35", "inc_batch", "high_loss"},      {"0.6", "dec_lr", "plateau"},
      {"0.3", "early_stop", "plateau"},        {"0.5", "early_stop", "val_rising"},
      {"0.4", "reg_l2", "val_rising"},         {"0.2", "more_epochs", "still_learning"},
      {"0.3", "dec_batch", "noisy"},           {"0.45", "dec_lr", "noisy"},
      {"0.7", "dec_layers", "thr_exceeded"},   {"0.4", "dec_neurons", "thr_exceeded"},
      {"0.9", "dec_layers", "too_big"},        {"0.5", "dec_neurons", "too_big"}};
  // When learnable, whether a diagnosed problem is real is latent too (as in seed 000's LFI).
  p += learnable ? "t(0.8)::detected(P) :- problem(P).\n" : "detected(P) :- problem(P).\n";
  for (auto& a : actions) {
    std::string prob = learnable ? std::string("t(") + a[0] + ")" : a[0];
    p += prob + "::action(" + a[1] + ", " + a[2] + ") :- detected(" + a[2] + ").\n";
  }
  return p;
}

/// Facts for one trial: 50-epoch curves (l, v: losses; a, va: accuracies) and costs.
inline std::string TrialFacts(std::mt19937& rng, int epochs = 50) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  double final_acc = 0.5 + 0.45 * u(rng), gap = 0.2 * u(rng), noise = 0.02 * u(rng);
  std::vector<double> l, v, a, va;
  for (int e = 1; e <= epochs; ++e) {
    double t = static_cast<double>(e) / epochs;
    double acc = final_acc * (1 - std::exp(-4 * t));
    a.push_back(acc + noise * (u(rng) - 0.5));
    va.push_back(acc - gap * t + noise * (u(rng) - 0.5));
    l.push_back(2.0 * std::exp(-3 * t) + noise * u(rng));
    v.push_back(2.0 * std::exp(-3 * t) + gap * t * t + noise * u(rng));
  }
  std::string out = "l(" + Program::ListText(l) + ").\nv(" + Program::ListText(v) + ").\na(" +
                    Program::ListText(a) + ").\nva(" + Program::ListText(va) + ").\n";
  out += "flops(" + std::to_string(8'000'000 + static_cast<int>(u(rng) * 8'000'000)) + ").\n";
  out += "flops_th(10000000).\nparams(" + std::to_string(static_cast<int>(u(rng) * 4e6)) +
         ").\nparams_th(3000000).\n";
  return out;
}

/// n interpretations: each observes the outcome of a random subset of `actions` (atoms whose
/// problem holds in the model's trial, so that the evidence is consistent).
inline std::vector<Interpretation> TunerInterpretations(std::mt19937& rng, int n,
                                                        const std::vector<std::string>& actions) {
  std::vector<Interpretation> out;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < n; ++i) {
    Interpretation interp;
    for (const std::string& atom : actions) {
      if (u(rng) < 0.7) interp.push_back({atom, u(rng) < 0.5});
    }
    if (interp.empty() && !actions.empty()) interp.push_back({actions[0], true});
    out.push_back(interp);
  }
  return out;
}

}  // namespace symnas::logic::bench
