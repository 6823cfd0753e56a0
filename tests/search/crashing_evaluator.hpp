// Test helper shared by the driver and store tests: an Evaluator that "crashes the process".
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "symnas/search/evaluator.hpp"

namespace symnas::search {

/// Wraps an evaluator and throws a non-std exception (an int, which the driver does not catch)
/// at evaluation number `crash_at` (0-based call count), like a process that dies mid-trial.
class CrashingEvaluator : public Evaluator {
 public:
  CrashingEvaluator(Evaluator& inner, int crash_at) : inner_(inner), crash_at_(crash_at) {}
  std::map<std::string, double> EstimateCosts(const Params& p) override {
    return inner_.EstimateCosts(p);
  }
  EvalResult Evaluate(const Params& p, std::uint64_t seed) override {
    if (calls_++ == crash_at_) throw crash_at_;
    return inner_.Evaluate(p, seed);
  }

 private:
  Evaluator& inner_;
  int crash_at_;
  int calls_ = 0;
};

}  // namespace symnas::search
