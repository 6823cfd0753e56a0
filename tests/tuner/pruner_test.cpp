// The symbolic pruner (rules/pruner_hopeless.pl) on constructed studies, cross-checked with the
// rule's arithmetic done by hand, and the pruner table's errors.
#include "symnas/tuner/pruner.hpp"

#include <gtest/gtest.h>

#include "symnas/common/error.hpp"

namespace symnas::tuner {
namespace {

/// A study whose incumbent (feasible, complete) reached 0.70, 0.80, 0.85 validation accuracy.
std::vector<search::TrialRecord> StudyWithIncumbent() {
  search::TrialRecord t;
  t.id = 0;
  t.status = search::TrialStatus::kComplete;
  t.result.curves.val_acc = {0.70, 0.80, 0.85};
  t.result.accuracy = 0.85;
  t.objective = {0.85, true, 0.0, {}};
  search::TrialRecord worse = t;
  worse.id = 1;
  worse.result.accuracy = 0.5;
  worse.objective.score = 0.5;
  return {t, worse};
}

search::LearningCurves Curve(std::vector<double> val_acc) {
  search::LearningCurves c;
  c.val_acc = std::move(val_acc);
  return c;
}

/// The rule by hand: latest gain (from chance 0.1 after epoch 1) kept up to the last epoch.
bool HopelessByHand(const std::vector<double>& va, int max_epochs, double incumbent) {
  const double gain = va.size() == 1 ? va[0] - 0.1 : va.back() - va[va.size() - 2];
  const double projected =
      va.back() + (max_epochs - static_cast<int>(va.size())) * std::max(gain, 0.0);
  return projected < incumbent - 0.005;
}

TEST(SymbolicPruner, StopsExactlyTheCurvesThatCannotReachTheIncumbent) {
  SymbolicPruner pruner({}, 0.5, 0.1);
  const auto study = StudyWithIncumbent();
  const std::vector<std::vector<double>> curves = {
      {0.30}, {0.40}, {0.35}, {0.75}, {0.60, 0.65}, {0.60, 0.75}, {0.80, 0.83}, {0.2, 0.19}};
  int pruned = 0;
  for (const auto& va : curves) {
    const auto decision = pruner.ShouldPrune(study, Curve(va), 3);
    EXPECT_EQ(decision.has_value(), HopelessByHand(va, 3, 0.85)) << va.back();
    if (decision) {
      ++pruned;
      EXPECT_EQ(decision->problem, "pruned(hopeless)");
      EXPECT_EQ(decision->details.value("incumbent_trial", -1), 0);
    }
  }
  EXPECT_GE(pruned, 3);
  EXPECT_LT(pruned, static_cast<int>(curves.size()));
}

TEST(SymbolicPruner, NeverPrunesWithoutAnIncumbent) {
  SymbolicPruner pruner({}, 0.5, 0.1);
  std::vector<search::TrialRecord> infeasible = StudyWithIncumbent();
  for (auto& t : infeasible) t.objective.feasible = false;
  EXPECT_FALSE(pruner.ShouldPrune({}, Curve({0.1}), 3));
  EXPECT_FALSE(pruner.ShouldPrune(infeasible, Curve({0.1}), 3));
}

TEST(PrunerTable, NamesAndOptionsAreChecked) {
  EXPECT_EQ(MakePruner({{"kind", "none"}}), nullptr);
  EXPECT_NE(MakePruner({{"kind", "symbolic"}}), nullptr);
  try {
    MakePruner({{"kind", "median"}});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("valid: none, symbolic"), std::string::npos);
  }
  EXPECT_THROW(MakePruner({{"kind", "symbolic"}, {"patience", 2}}), ConfigError);
  EXPECT_THROW(MakePruner({{"kind", "symbolic"}, {"threshold", 0.0}}), ConfigError);
  EXPECT_THROW(MakePruner({{"kind", "symbolic"}, {"threshold", "high"}}), ConfigError);
  EXPECT_THROW(MakePruner({{"kind", "symbolic"}, {"chance", 2}}), ConfigError);
  EXPECT_NE(MakePruner({{"kind", "symbolic"}, {"rules", nlohmann::json::array()}}), nullptr);
}

}  // namespace
}  // namespace symnas::tuner
