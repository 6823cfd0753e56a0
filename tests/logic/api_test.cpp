// The public API as the symbolic tuner uses it: a rule base parsed once, per-trial facts added
// to a copy, query(action(_,_)) answered, weights learned and fed back.
#include <gtest/gtest.h>

#include <thread>

#include "symnas/logic/logic.hpp"

namespace symnas::logic {
namespace {

constexpr const char* kRules = R"(:- use_module(library(lists)).
problem(overfitting) :- a(A), va(V), last(A, X), last(V, Y), X - Y > 0.1.
problem(thr_exceeded) :- flops(F), flops_th(T), F > T.
problem(still_learning) :- l(L), append(_, [P, Q], L), Q < P.
0.6::action(reg_l2, overfitting) :- problem(overfitting).
0.7::action(dec_layers, thr_exceeded) :- problem(thr_exceeded).
0.2::action(more_epochs, still_learning) :- problem(still_learning).
)";

TEST(ApiTest, TunerPerTrialInference) {
  const Program rules = Program::FromText(kRules, "tuner.pl");
  Program trial = rules;
  trial.AddText("a(" + Program::ListText({0.5, 0.8, 0.95}) + ").\nva(" +
                    Program::ListText({0.5, 0.7, 0.72}) + ").\nl([0.9, 0.7, 0.6]).\n" +
                    "flops(12000000).\nflops_th(10000000).\n",
                "trial");
  trial.AddQuery("action(_, _)");
  auto answers = Infer(trial);
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].atom, "action(dec_layers,thr_exceeded)");
  EXPECT_EQ(answers[0].functor, "action");
  ASSERT_EQ(answers[0].args.size(), 2u);
  EXPECT_EQ(answers[0].args[0], "dec_layers");
  EXPECT_DOUBLE_EQ(answers[0].probability, 0.7);
  EXPECT_EQ(answers[1].args[0], "more_epochs");
  EXPECT_EQ(answers[2].args[0], "reg_l2");
  // The rule base is untouched by the trial.
  EXPECT_TRUE(rules.queries().empty());
  EXPECT_EQ(rules.clauses().size(), Program::FromText(kRules).clauses().size());
  EXPECT_EQ(FormatAnswers(answers).substr(0, 36), "action(dec_layers,thr_exceeded)\t0.7\n");
}

TEST(ApiTest, CopiesCanBeEvaluatedInParallel) {
  const Program rules = Program::FromText(kRules, "tuner.pl");
  std::vector<double> results(4, -1.0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int rep = 0; rep < 20; ++rep) {
        Program trial = rules;
        trial.AddText("flops(" + std::to_string(9000000 + t * 1000000) +
                          ").\nflops_th(10000000).\na([0.9]).\nva([0.9]).\nl([1]).\n",
                      "trial");
        trial.AddQuery("action(dec_layers, thr_exceeded)");
        results[t] = Infer(trial).at(0).probability;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(results[0], 0.0);  // 9e6 < threshold
  EXPECT_EQ(results[1], 0.0);  // 1e7 is not > 1e7
  EXPECT_DOUBLE_EQ(results[2], 0.7);
  EXPECT_DOUBLE_EQ(results[3], 0.7);
}

TEST(ApiTest, ErrorsAreSymnasErrorsWithLocations) {
  try {
    Program::FromText("a :- b c.\n", "rules.pl");
    FAIL();
  } catch (const symnas::Error& e) {
    EXPECT_EQ(e.class_name(), "ParseError");
    EXPECT_EQ(e.location().ToString(), "rules.pl:1:8");
  }
}

TEST(ApiTest, LearnThenInfer) {
  Program model = Program::FromText("t(0.5)::works(A) :- action(A).\naction(reg_l2).\n");
  std::vector<Interpretation> data = {
      {{"works(reg_l2)", true}}, {{"works(reg_l2)", true}}, {{"works(reg_l2)", false}}};
  LfiResult r = LearnParameters(model, data);
  ASSERT_EQ(r.weights.size(), 1u);
  EXPECT_EQ(r.weights[0].key, "t(0.5)::works(A)");
  EXPECT_NEAR(r.weights[0].weight, 2.0 / 3, 1e-12);
  Program learned = model;
  learned.set_tunable_values({r.weights[0].weight});
  learned.AddQuery("works(reg_l2)");
  EXPECT_NEAR(Infer(learned).at(0).probability, 2.0 / 3, 1e-12);
}

}  // namespace
}  // namespace symnas::logic
