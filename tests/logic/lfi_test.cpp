// Learning from interpretations: relative frequencies for full data, AD normalisation, seeded
// random starts, monotone log-likelihood (an EM guarantee), evidence file parsing.
#include "symnas/logic/lfi.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "symnas/logic/errors.hpp"
#include "symnas/logic/inference.hpp"

namespace symnas::logic {
namespace {

TEST(LfiTest, ParsesInterpretations) {
  auto ex = ParseInterpretations(
      "evidence(a, true).\nevidence(b(1), false).\n---\nevidence(c).\n--- next\n"
      "evidence('X y', false).\n");
  ASSERT_EQ(ex.size(), 3u);
  EXPECT_EQ(ex[0].size(), 2u);
  EXPECT_EQ(ex[0][1].first, "b(1)");
  EXPECT_FALSE(ex[0][1].second);
  EXPECT_TRUE(ex[1][0].second);
  EXPECT_EQ(ex[2][0].first, "'X y'");
  EXPECT_EQ(ParseInterpretations("evidence(a, true).\n").size(), 1u);
  EXPECT_THROW(ParseInterpretations("evidence(a, maybe).\n"), ParseError);
  try {
    ParseInterpretations("evidence(a).\n---\nfoo(b).\n", "e.ev");
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.location().line, 3);
  }
  EXPECT_THROW(ReadInterpretationsFile("/nonexistent.ev"), ConfigError);
}

TEST(LfiTest, FullyObservedFactsGiveRelativeFrequencies) {
  Program model = Program::FromText("t(0.5)::a.\nt(0.1)::b.\n");
  std::vector<Interpretation> ex = {{{"a", true}, {"b", false}},
                                    {{"a", true}, {"b", true}},
                                    {{"a", false}, {"b", false}},
                                    {{"a", true}, {"b", false}}};
  LfiResult r = LearnParameters(model, ex);
  ASSERT_EQ(r.weights.size(), 2u);
  EXPECT_EQ(r.weights[0].key, "t(0.5)::a");
  EXPECT_NEAR(r.weights[0].weight, 0.75, 1e-12);
  EXPECT_NEAR(r.weights[1].weight, 0.25, 1e-12);
  EXPECT_EQ(r.iterations, 2);
  EXPECT_EQ(r.used_examples, 4);
  EXPECT_NEAR(r.log_likelihood,
              3 * std::log(0.75) + std::log(0.25) + std::log(0.25) + 3 * std::log(0.75), 1e-9);
  EXPECT_EQ(r.learned_program, "0.75::a.\n0.25::b.\n");
}

TEST(LfiTest, TemplateParametersLearnOneWeightPerBinding) {
  // t(_, X): one weight per value of X (ProbLog's test/lfi/vars_in_tunable/test_1.pl).
  Program model =
      Program::FromText("person(alice).\nperson(bob).\nt(_,X)::hair(X) :- person(X).\n");
  std::vector<Interpretation> ex = {{{"hair(alice)", true}, {"hair(bob)", true}},
                                    {{"hair(alice)", false}, {"hair(bob)", true}},
                                    {{"hair(bob)", true}},
                                    {{"hair(bob)", false}}};
  LfiResult r = LearnParameters(model, ex);
  ASSERT_EQ(r.instance_weights.size(), 2u);
  EXPECT_EQ(r.instance_weights[0].key, "t(_,X)::hair(X) for alice");
  EXPECT_NEAR(r.instance_weights[0].weight, 0.5, 1e-9);
  EXPECT_NEAR(r.instance_weights[1].weight, 0.75, 1e-9);
  EXPECT_EQ(r.learned_program,
            "person(alice).\nperson(bob).\n0.5::hair(alice) :- person(alice).\n"
            "0.75::hair(bob) :- person(bob).\n");
}

TEST(LfiTest, LearnableClauseHasOneInstancePerHeadBinding) {
  // As ProbLog's LFI: t(_)::t1 :- w(_). is one choice for t1, whichever w(_) proves the body
  // (inference would make one choice per w(X)). With w(1), w(2) both certain, the body always
  // holds: the weight is the frequency of t1, 1/2 (per-binding choices would give 1 - sqrt(1/2)).
  Program model = Program::FromText("w(1).\nw(2).\nt(0.3)::t1 :- w(_).\n");
  std::vector<Interpretation> ex = {{{"t1", true}}, {{"t1", false}}};
  LfiResult r = LearnParameters(model, ex);
  EXPECT_NEAR(r.weights[0].weight, 0.5, 1e-9);
}

TEST(LfiTest, AdHeadsWithOtherArgumentsCountOnlyWhereReached) {
  // ProbLog's test/lfi/ad/ADtest_8_3.pl: a head counts in an instance when a head with the same
  // arguments was reached; counts a 2, b 1, c 1 over one shared body count give 1/2, 1/4, 1/4.
  Program model = Program::FromText("t(_)::a(X,X); t(_)::b(Y,Y); t(_)::c(Z) :- X=Y, Y=Z.\n");
  std::vector<Interpretation> ex = {{{"a(1,1)", true}, {"b(2,2)", true}, {"c(3)", false}},
                                    {{"a(1,1)", true}, {"b(2,2)", false}, {"c(2)", true}}};
  LfiResult r = LearnParameters(model, ex);
  ASSERT_EQ(r.weights.size(), 3u);
  EXPECT_NEAR(r.weights[0].weight, 0.5, 1e-9);
  EXPECT_NEAR(r.weights[1].weight, 0.25, 1e-9);
  EXPECT_NEAR(r.weights[2].weight, 0.25, 1e-9);
}

TEST(LfiTest, TemplateAdsAreNormalisedPerBinding) {
  Program model = Program::FromText("t(_,X)::a(X); t(_,X)::b(X) :- between(1, 2, X).\n");
  std::vector<Interpretation> ex = {{{"a(1)", true}, {"a(2)", false}},
                                    {{"a(1)", true}, {"b(2)", true}},
                                    {{"b(1)", true}, {"a(2)", true}}};
  LfiResult r = LearnParameters(model, ex);
  std::map<std::string, double> w;
  for (const auto& x : r.instance_weights) w[x.key] = x.weight;
  ASSERT_EQ(w.size(), 4u);
  EXPECT_NEAR(w["t(_,X)::a(X) for 1"] + w["t(_,X)::b(X) for 1"], 1.0, 1e-9);
  EXPECT_NEAR(w["t(_,X)::a(X) for 1"], 2.0 / 3, 1e-6);
  EXPECT_NEAR(w["t(_,X)::a(X) for 2"] + w["t(_,X)::b(X) for 2"], 1.0, 1e-9);
}

TEST(LfiTest, LearnableAdIsNormalisedWithoutRemainder) {
  Program model = Program::FromText("t(0.2)::c(r); t(0.2)::c(g); t(0.2)::c(b).\n");
  std::vector<Interpretation> ex = {{{"c(r)", true}}, {{"c(g)", true}}, {{"c(r)", true}}};
  LfiResult r = LearnParameters(model, ex);
  double sum = 0;
  for (const auto& w : r.weights) sum += w.weight;
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_GT(r.weights[0].weight, r.weights[1].weight);
  EXPECT_GT(r.weights[1].weight, r.weights[2].weight);
}

TEST(LfiTest, RandomStartIsSeededAndFullDataIsStartIndependent) {
  Program model = Program::FromText("t(_)::a.\n");
  std::vector<Interpretation> ex = {{{"a", true}}, {{"a", false}}, {{"a", true}}};
  LfiOptions o1, o2;
  o1.seed = 1;
  o2.seed = 2;
  EXPECT_NEAR(LearnParameters(model, ex, o1).weights[0].weight, 2.0 / 3, 1e-12);
  EXPECT_NEAR(LearnParameters(model, ex, o2).weights[0].weight, 2.0 / 3, 1e-12);
  EXPECT_EQ(LearnParameters(model, ex, o1).learned_program,
            LearnParameters(model, ex, o1).learned_program);
}

TEST(LfiTest, LogLikelihoodNeverDecreases) {
  Program model = Program::FromText(R"(
    t(0.5)::rain.
    t(0.5)::sprinkler :- \+ rain.
    t(0.1)::sprinkler :- rain.
    0.9::wet :- rain.
    0.8::wet :- sprinkler.
  )");
  std::vector<Interpretation> ex = {{{"rain", true}, {"wet", true}},
                                    {{"wet", false}},
                                    {{"sprinkler", true}, {"wet", true}},
                                    {{"rain", false}, {"wet", true}}};
  double previous = -1e300;
  for (int it = 1; it <= 30; it += 3) {
    LfiOptions o;
    o.max_iterations = it;
    LfiResult r = LearnParameters(model, ex, o);
    EXPECT_GE(r.log_likelihood, previous - 1e-12) << "iterations " << it;
    previous = r.log_likelihood;
  }
}

TEST(LfiTest, InconsistentExamplesAreIgnored) {
  Program model = Program::FromText("t(0.5)::a.\nb :- fail.\n");
  std::vector<Interpretation> ex = {{{"a", true}}, {{"b", true}}, {{"a", false}}};
  LfiResult r = LearnParameters(model, ex);
  EXPECT_EQ(r.used_examples, 2);
  EXPECT_NEAR(r.weights[0].weight, 0.5, 1e-12);
}

TEST(LfiTest, LearnedModelCanBeQueried) {
  Program model = Program::FromText("t(0.5)::a.\nb :- a.\n");
  LfiResult r =
      LearnParameters(model, {{{"b", true}}, {{"b", true}}, {{"b", false}}, {{"a", true}}});
  Program learned = Program::FromText(r.learned_program + "query(b).\n");
  auto answers = Infer(learned);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_NEAR(answers[0].probability, 0.75, 1e-9);
}

}  // namespace
}  // namespace symnas::logic
