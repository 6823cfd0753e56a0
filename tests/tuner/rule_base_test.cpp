// Tests of the rule base: clause splitting, tuning-rule parsing, overrides, action validation,
// the parsed program and the locations of errors in rule files.
#include "symnas/tuner/rule_base.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "symnas/logic/errors.hpp"
#include "symnas/logic/inference.hpp"
#include "symnas/tuner/facts.hpp"
#include "symnas/tuner/reasoner.hpp"

namespace symnas::tuner {
namespace {

TEST(RuleBase, SplitClausesSkipsCommentsAndKeepsDecimals) {
  const auto clauses = SplitClauses(
      "% comment\n:- use_module(library(lists)).\n/* block\n. */ a(0.5, 'x. y').\n"
      "b :- a(X, _), X > 1.0.  % trailing\n",
      "f.pl");
  ASSERT_EQ(clauses.size(), 3u);
  EXPECT_EQ(clauses[0].key, ":-");
  EXPECT_EQ(clauses[1].text, "a(0.5, 'x. y')");
  EXPECT_EQ(clauses[1].key, "a/2");
  EXPECT_EQ(clauses[1].location.line, 4);
  EXPECT_EQ(clauses[1].location.column, 6);
  EXPECT_EQ(clauses[2].key, "b/0");
}

TEST(RuleBase, SplitClausesReportsMalformedInputWhereItIs) {
  try {
    SplitClauses("a.\nb :- c", "bad.pl");
    FAIL() << "expected ParseError";
  } catch (const logic::ParseError& error) {
    EXPECT_EQ(error.location().line, 2);
    EXPECT_EQ(error.location().file, "bad.pl");
  }
  EXPECT_THROW(SplitClauses("a('x).", "q.pl"), logic::ParseError);
  EXPECT_THROW(SplitClauses("/* a.", "c.pl"), logic::ParseError);
}

TEST(RuleBase, ErrorsInAUserRuleFileNameThatFileAndLine) {
  auto base = RuleBase::Shipped();
  try {
    base.AddText(
        "% my rules\n\nt(0.5)::action(reg_l2, overfitting) :-\n  problem(overfitting) x.\n",
        "mine.pl");
    FAIL() << "expected ParseError";
  } catch (const logic::ParseError& error) {
    EXPECT_EQ(error.location().file, "mine.pl");
    EXPECT_EQ(error.location().line, 4);
    EXPECT_EQ(error.location().column, 24);
  }
  // An error found while evaluating (a call of an undefined predicate) names the user's clause
  // too, not the merged program.
  base.AddText("\n\nproblem(my_problem) :- my_undefined_helper(3).\n", "helpers.pl");
  try {
    Reason(base, {}, ExtractFacts(search::EvalResult{}, {}, 1));
    FAIL() << "expected an engine error";
  } catch (const Error& error) {
    EXPECT_EQ(error.location().file, "helpers.pl") << error.what();
    EXPECT_EQ(error.location().line, 3) << error.what();
  }
}

TEST(RuleBase, TheParsedProgramMatchesTheRuleFilesAndTheWeights) {
  auto base = RuleBase::ShippedSet("paper");
  const auto answers = [&](const std::map<std::string, double>& weights) {
    logic::Program program = base.Instantiate(weights);
    program.AddText("problem(overfitting).", "<facts>");
    program.AddQuery("action(reg_l2, overfitting)");
    return logic::Infer(program).at(0).probability;
  };
  EXPECT_DOUBLE_EQ(answers({}), 0.99);  // the initial weight
  EXPECT_DOUBLE_EQ(answers({{"action(reg_l2,overfitting)", 0.25}}), 0.25);
  // Instantiating copies: the rule base itself keeps its initial weights.
  EXPECT_DOUBLE_EQ(answers({}), 0.99);
}

TEST(RuleBase, ParsesTuningRules) {
  const auto clauses = SplitClauses(
      "t(0.7)::action(dec_layers, thr_exceeded(flops)) :- problem(thr_exceeded(flops)).\n"
      "t(_)::action(inc_lr, low_lr) :- problem(low_lr).\n"
      "0.2::action(decr_lr, x).\n",
      "t.pl");
  TuningRule rule;
  ASSERT_TRUE(ParseTuningRule(clauses[0], rule));
  EXPECT_EQ(rule.id, "action(dec_layers,thr_exceeded(flops))");
  EXPECT_EQ(rule.action, "dec_layers");
  EXPECT_EQ(rule.problem, "thr_exceeded(flops)");
  EXPECT_DOUBLE_EQ(rule.initial_weight, 0.7);
  EXPECT_TRUE(rule.learnable);
  EXPECT_EQ(rule.body, "problem(thr_exceeded(flops))");
  ASSERT_TRUE(ParseTuningRule(clauses[1], rule));
  EXPECT_DOUBLE_EQ(rule.initial_weight, 0.5);
  ASSERT_TRUE(ParseTuningRule(clauses[2], rule));
  EXPECT_FALSE(rule.learnable);
  EXPECT_DOUBLE_EQ(rule.initial_weight, 0.2);
}

TEST(RuleBase, RejectsNonGroundHeadsAndBadWeights) {
  TuningRule rule;
  const auto non_ground = SplitClauses(
      "t(0.4)::action(dec_neurons, thr_exceeded(M)) :- "
      "problem(thr_exceeded(M)).",
      "u.pl");
  EXPECT_THROW(ParseTuningRule(non_ground[0], rule), RuleError);
  const auto bad_weight = SplitClauses("t(1.5)::action(a, b).", "u.pl");
  EXPECT_THROW(ParseTuningRule(bad_weight[0], rule), RuleError);
}

TEST(RuleBase, PaperRulesHaveTheOriginalsWeights) {
  const auto base = RuleBase::ShippedSet("paper");
  const auto weights = base.InitialWeights();
  EXPECT_DOUBLE_EQ(weights.at("action(reg_l2,overfitting)"), 0.99);
  EXPECT_DOUBLE_EQ(weights.at("action(inc_dropout,overfitting)"), 0.4);
  EXPECT_DOUBLE_EQ(weights.at("action(data_augmentation,overfitting)"), 0.5);
  EXPECT_DOUBLE_EQ(weights.at("action(new_fc_layer,underfitting)"), 0.45);
  EXPECT_DOUBLE_EQ(weights.at("action(new_conv_layer,underfitting)"), 0.45);
  EXPECT_DOUBLE_EQ(weights.at("action(inc_batch_size,floating_loss)"), 0.3);
  EXPECT_DOUBLE_EQ(weights.at("action(decr_lr,floating_loss)"), 0.15);
  EXPECT_DOUBLE_EQ(weights.at("action(dec_neurons,thr_exceeded(flops))"), 0.4);
  EXPECT_DOUBLE_EQ(weights.at("action(dec_layers,thr_exceeded(flops))"), 0.7);
  for (const char* metric :
       {"flops", "params", "peak_memory_bytes", "model_size_bytes", "latency_ms", "energy_mj"}) {
    const std::string problem = std::string("thr_exceeded(") + metric + ")";
    EXPECT_NE(base.FindRule("action(dec_neurons," + problem + ")"), nullptr) << metric;
    EXPECT_NE(base.FindRule("action(dec_layers," + problem + ")"), nullptr) << metric;
  }
}

TEST(RuleBase, UserFileOverridesRulesAndPredicates) {
  auto base = RuleBase::ShippedSet("paper");
  const std::size_t rules_before = base.tuning_rules().size();
  base.AddText(
      "t(0.9)::action(inc_neurons, underfitting) :- problem(underfitting).\n"
      "t(0.2)::action(inc_lr, underfitting) :- problem(underfitting).\n"
      "gap_tr_te_acc :- a(A), va(VA), last(A, X), last(VA, Y), X - Y > 0.1.\n"
      "gap_tr_te_acc :- fail.\n",
      "user.pl");
  EXPECT_EQ(base.tuning_rules().size(), rules_before + 1);
  EXPECT_DOUBLE_EQ(base.FindRule("action(inc_neurons,underfitting)")->initial_weight, 0.9);
  EXPECT_EQ(base.FindRule("action(inc_neurons,underfitting)")->location.file, "user.pl");
  const auto gap_clauses =
      std::count_if(base.clauses().begin(), base.clauses().end(),
                    [](const Clause& c) { return c.key == "gap_tr_te_acc/0"; });
  EXPECT_EQ(gap_clauses, 2);  // the shipped one replaced by both of the user's
  const std::string program =
      base.Instantiate({{"action(inc_neurons,underfitting)", 0.125}}).ToText();
  EXPECT_NE(program.find("0.125::action(inc_neurons,underfitting) :- problem(underfitting)."),
            std::string::npos)
      << program;
  EXPECT_NE(program.find("X-Y>0.1."), std::string::npos) << program;
  EXPECT_EQ(program.find("last(A,X), last(VA,Y), abs(X-Y)>0.2"),
            std::string::npos)
      << program;  // the shipped gap_tr_te_acc is gone
}

TEST(RuleBase, ValidationListsTheAvailableActions) {
  auto base = RuleBase::ShippedSet("paper");
  base.AddText("t(0.5)::action(prune_heads, overfitting) :- problem(overfitting).", "mine.pl");
  try {
    base.ValidateActions({"reg_l2", "inc_lr"});
    FAIL() << "expected RuleError";
  } catch (const RuleError& error) {
    EXPECT_NE(error.message().find("available actions: reg_l2, inc_lr"), std::string::npos);
  }
  std::vector<std::string> all;
  for (const auto& rule : base.tuning_rules()) all.push_back(rule.action);
  EXPECT_NO_THROW(base.ValidateActions(all));
  all.erase(std::remove(all.begin(), all.end(), "prune_heads"), all.end());
  try {
    base.ValidateActions(all);
    FAIL() << "expected RuleError";
  } catch (const RuleError& error) {
    EXPECT_EQ(error.location().file, "mine.pl");
    EXPECT_EQ(error.location().line, 1);
  }
}

}  // namespace
}  // namespace symnas::tuner
