// `nsga2`: the multi-objective genetic algorithm NSGA-II (Deb, Pratap, Agarwal, Meyarivan 2002,
// "A fast and elitist multiobjective genetic algorithm: NSGA-II") in ask/tell form.
#pragma once

#include "strategy_base.hpp"

namespace symnas::search {

/// NSGA-II over the objective vectors of the study's objective (minimisation convention).
/// Steps: (1) the first N candidates are random (untried); (2) after every N told trials the
/// parents and the batch are merged and N survivors are kept by constrained non-dominated
/// sorting (feasible before infeasible, infeasible by violation; Deb's rule) and, inside the
/// last front admitted, by crowding distance; (3) each asked child comes from two binary
/// tournaments (lower rank, then larger crowding distance), uniform crossover with probability
/// `crossover_prob` (each dimension swapped with probability 1/2), then mutation of each free
/// dimension with probability `mutation_prob` (default 1/d; at least one dimension changes);
/// (4) a child already tried is mutated again (up to 20 times). Failed trials rank last.
class Nsga2Strategy : public StrategyBase {
 public:
  explicit Nsga2Strategy(const StrategyContext& context) : StrategyBase(context) {}
  std::string name() const override { return "nsga2"; }
  Params Ask() override;
  /// Keeps the objective vector (the base keeps only the score), then tells the base.
  void Tell(const TrialOutcome& outcome) override;

 protected:
  void Learn(const Observation& observation) override;
  nlohmann::json SaveExtra() const override;
  void LoadExtra(const nlohmann::json& state) override;

 private:
  /// A member of the population with its objective vector and selection keys.
  struct Member {
    Params params;
    std::vector<double> vector;  ///< empty for failed trials
    bool feasible = true;
    double violation = 0.0;
    int rank = 0;
    double crowding = 0.0;
  };
  void Select();
  const Member& Tournament();
  Params Mutate(Params child);

  std::vector<Member> population_;
  std::vector<Member> batch_;
  std::vector<double> pending_vector_;  ///< objective vector of the trial being told
};

}  // namespace symnas::search
