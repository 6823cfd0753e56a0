// Conformance of EVERY registered strategy: seeded reproducibility, candidates inside the space
// (after the edits the strategy asks for), failed trials, save/load mid-study, and space edits
// of every kind. Plus the registry's error paths, and every option's default and doc.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "symnas/common/error.hpp"
#include "symnas/search/strategy.hpp"
#include "symnas/search/synthetic.hpp"
#include "symnas/strategies/table.hpp"

namespace symnas::search {
namespace {

/// Asks, applies the edits the strategy requests, and checks the candidate lies in the space.
Params AskChecked(Strategy& s, SearchSpace& space) {
  Params p = s.Ask();
  for (const auto& e : s.TakeSpaceEdits()) {
    space.Apply(e);
    s.OnSpaceChanged(space, e);
  }
  EXPECT_TRUE(space.Contains(p)) << s.name() << ": " << ParamsToJson(p).dump();
  return p;
}

void TellSynthetic(Strategy& s, std::int64_t id, const Params& p, bool fail = false) {
  SyntheticEvaluator eval(std::string("cnn_proxy"));
  TrialOutcome o;
  o.trial_id = id;
  o.params = p;
  if (fail) {
    o.status = TrialStatus::kFailed;
    o.result.status = TrialStatus::kFailed;
    o.result.error = "diverged";
  } else {
    o.result = eval.Evaluate(p, 1);
    o.objective = Seed000Objective(o.result.accuracy, o.result.metrics.at("flops"), 4e7, 0.33);
  }
  s.Tell(o);
}

StrategyContext Context(std::uint64_t seed) {
  StrategyContext c;
  c.space = Seed000Space();
  c.seed = seed;
  // Small settings keep the test fast; every strategy ignores the others' options.
  return c;
}

nlohmann::json FastOptions(const std::string& name) {
  if (name == "bo") return {{"initial_random", 3}, {"acq_samples", 200}, {"restarts", 1}};
  if (name == "evolution") return {{"population", 4}, {"sample", 2}};
  if (name == "morphism") return {{"initial_random", 2}, {"candidates", 8}};
  if (name == "pareto_rank") return {{"initial_random", 3}, {"pool_samples", 50}};
  return nlohmann::json::object();
}

class ConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ConformanceTest, SeededAndInsideTheSpace) {
  const std::string name = GetParam();
  auto run = [&](std::uint64_t seed) {
    StrategyContext c = Context(seed);
    c.options = FastOptions(name);
    c.budget_check = [](const Params& p) {
      return BudgetVerdict{CnnTemplateFlops(p) <= 8e7, "flops"};
    };
    auto s = strategies::MakeStrategy(name, c);
    SearchSpace space = c.space;
    std::vector<Params> asked;
    for (int i = 0; i < 8; ++i) {
      asked.push_back(AskChecked(*s, space));
      TellSynthetic(*s, i, asked.back(), /*fail=*/i == 2);
    }
    return asked;
  };
  EXPECT_EQ(run(11), run(11)) << name << " is not reproducible";
  EXPECT_NE(run(11), run(12)) << name << " ignores its seed";
}

TEST_P(ConformanceTest, SaveLoadResumesExactly) {
  const std::string name = GetParam();
  StrategyContext c = Context(5);
  c.options = FastOptions(name);
  auto a = strategies::MakeStrategy(name, c);
  SearchSpace space_a = c.space;
  for (int i = 0; i < 6; ++i) TellSynthetic(*a, i, AskChecked(*a, space_a));
  nlohmann::json state = a->Save();
  // A fresh strategy built on the current space and loaded from the snapshot (through text, as
  // the store does) proposes exactly what the original proposes next.
  StrategyContext c2 = c;
  c2.space = space_a;
  auto b = strategies::MakeStrategy(name, c2);
  b->Load(nlohmann::json::parse(state.dump()));
  SearchSpace space_b = space_a;
  for (int i = 6; i < 10; ++i) {
    Params pa = AskChecked(*a, space_a);
    Params pb = AskChecked(*b, space_b);
    ASSERT_EQ(pa, pb) << name << " diverged after Load at step " << i;
    TellSynthetic(*a, i, pa);
    TellSynthetic(*b, i, pb);
  }
  EXPECT_EQ(a->Save(), b->Save());
  EXPECT_THROW(b->Load(nlohmann::json::object()), StoreError);
  auto other = strategies::MakeStrategy(name == "random" ? "evolution" : "random", Context(5));
  EXPECT_THROW(b->Load(other->Save()), StoreError);
}

// Number of observations in a snapshot: its "history", or that of the strategy it wraps (the
// symbolic tuner keeps its inner BO's snapshot under "bo"). 0 when there is none.
std::size_t HistorySize(const nlohmann::json& state) {
  if (state.contains("history")) return state["history"].size();
  for (const auto& [key, value] : state.items()) {
    if (value.is_object() && HistorySize(value) > 0) return HistorySize(value);
  }
  return 0;
}

TEST_P(ConformanceTest, SurvivesEveryKindOfSpaceEdit) {
  const std::string name = GetParam();
  StrategyContext c = Context(3);
  c.options = FastOptions(name);
  auto s = strategies::MakeStrategy(name, c);
  SearchSpace space = c.space;
  std::int64_t id = 0;
  for (; id < 5; ++id) TellSynthetic(*s, id, AskChecked(*s, space));
  const std::vector<SpaceEdit> edits = {
      SpaceEdit::Bounds(SpaceEditKind::kShrinkBounds, "filters_0", 16, 32, {"dec_filters", id, ""}),
      SpaceEdit::Bounds(SpaceEditKind::kShiftBounds, "learning_rate", 5e-5, 5e-4,
                        {"decr_lr", id, ""}),
      SpaceEdit::Bounds(SpaceEditKind::kExpandBounds, "batch_size", 16, 512,
                        {"inc_batch_size", id, ""}),
      SpaceEdit::Add(Dimension::Real("weight_decay", 1e-6, 0.1, 1e-4, Scale::kLog), Value{1e-6},
                     {"reg_l2", id, ""}),
      SpaceEdit::Fix("batch_norm", std::int64_t{1}, {"reg_l2", id, ""}),
      SpaceEdit::SetChoices("optimizer", {"adam", "adamax"}, {"user", id, ""}),
      SpaceEdit::Remove("dense_dropout", {"user", id, ""}),
  };
  for (const auto& e : edits) {
    // A strategy that edits the space itself (symbolic) may already have moved these bounds
    // or added this dimension: an edit the current space rejects is skipped.
    try {
      SearchSpace(space).Apply(e);
    } catch (const ConfigError&) {
      continue;
    }
    space.Apply(e);
    s->OnSpaceChanged(space, e);
    Params p = AskChecked(*s, space);
    TellSynthetic(*s, id++, p);
  }
  for (int i = 0; i < 4; ++i) TellSynthetic(*s, id++, AskChecked(*s, space));
  // Every observation is kept across the edits (the original tool dropped its history).
  EXPECT_EQ(HistorySize(s->Save()), static_cast<std::size_t>(id));
  // The snapshot after the edits still restores.
  StrategyContext c2 = c;
  c2.space = space;
  auto restored = strategies::MakeStrategy(name, c2);
  restored->Load(s->Save());
  SearchSpace space2 = space;
  EXPECT_EQ(AskChecked(*s, space), AskChecked(*restored, space2));
}

// Several workers: a candidate another worker is still evaluating (SetPending) is not proposed
// again. Two copies of one mid-study state: the first's next candidate, given to the second as
// pending, must not be what the second proposes; the pending candidates of a study of 6 asks
// are all distinct.
TEST_P(ConformanceTest, NeverProposesAPendingCandidate) {
  const std::string name = GetParam();
  StrategyContext c = Context(8);
  c.options = FastOptions(name);
  auto a = strategies::MakeStrategy(name, c);
  SearchSpace space = c.space;
  for (int i = 0; i < 6; ++i) TellSynthetic(*a, i, AskChecked(*a, space));
  const nlohmann::json state = a->Save();
  StrategyContext c2 = c;
  c2.space = space;
  auto b = strategies::MakeStrategy(name, c2);
  b->Load(state);
  SearchSpace space_a = space, space_b = space;
  const Params next = AskChecked(*a, space_a);
  b->SetPending({next});
  EXPECT_NE(AskChecked(*b, space_b), next) << name << " proposed a pending candidate again";
  // Asks without tells, each earlier one pending: all different.
  auto d = strategies::MakeStrategy(name, c2);
  d->Load(state);
  SearchSpace space_d = space;
  std::vector<Params> pending;
  for (int i = 0; i < 6; ++i) {
    d->SetPending(pending);
    Params p = AskChecked(*d, space_d);
    for (const auto& q : pending) EXPECT_NE(p, q) << name << " ask " << i;
    pending.push_back(p);
  }
}

std::vector<std::string> AllStrategies() {
  std::vector<std::string> names;
  for (const auto& e : strategies::Strategies()) names.push_back(e.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(EveryStrategy, ConformanceTest, ::testing::ValuesIn(AllStrategies()),
                         [](const auto& param_info) { return param_info.param; });

TEST(StrategyRegistryTest, TableIsCompleteAndErrorsListNames) {
  for (const char* name : {"random", "bo", "evolution", "morphism"})
    EXPECT_NO_THROW(strategies::FindStrategy(name));
  for (const auto& e : strategies::Strategies()) {
    EXPECT_FALSE(std::string(e.description).empty());
    EXPECT_EQ(strategies::MakeStrategy(e.name, Context(0))->name(), e.name);
  }
  try {
    strategies::FindStrategy("bayes");
    FAIL();
  } catch (const UnknownNameError& e) {
    for (const auto& entry : strategies::Strategies())
      EXPECT_NE(std::string(e.what()).find(entry.name), std::string::npos);
  }
  StrategyContext c = Context(0);
  c.options = {{"populaton", 3}};
  EXPECT_THROW(strategies::MakeStrategy("evolution", c), ConfigError);
  c.options = {{"population", "big"}};
  EXPECT_THROW(strategies::MakeStrategy("evolution", c), ConfigError);
  c.options = {{"population", 2.5}};
  EXPECT_THROW(strategies::MakeStrategy("evolution", c), ConfigError);
}

/// The text of the docs that describe strategies (docs/search.md and the tuners' pages).
std::string StrategyDocs() {
  std::string text;
  for (const char* page : {"search.md", "tuner.md", "tabular.md"}) {
    std::ifstream in(std::string(SYMNAS_SOURCE_DIR) + "/docs/" + page);
    text += std::string(std::istreambuf_iterator<char>(in), {});
  }
  return text;
}

TEST(StrategyRegistry, EveryOptionHasAValidDefaultAndIsDocumented) {
  const std::string docs = StrategyDocs();
  ASSERT_FALSE(docs.empty());
  for (const auto& entry : strategies::Strategies()) {
    const nlohmann::json defaults = ResolveStrategyOptions(entry, nullptr);
    EXPECT_EQ(ResolveStrategyOptions(entry, defaults), defaults) << entry.name;
    EXPECT_NE(docs.find(std::string("`") + entry.name + "`"), std::string::npos) << entry.name;
    for (const auto& param : entry.params) {
      EXPECT_FALSE(std::string(param.description).empty()) << entry.name << "." << param.name;
      EXPECT_NE(docs.find(param.name), std::string::npos)
          << entry.name << "." << param.name << " is in no doc";
    }
  }
}

}  // namespace
}  // namespace symnas::search
