// Nsga2Strategy: constrained non-dominated sorting, crowding distance, tournament, crossover,
// mutation (see nsga2.hpp for the steps).
#include "nsga2.hpp"

#include <algorithm>
#include <limits>

#include "symnas/search/pareto.hpp"

namespace symnas::search {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

int PopulationSize(const nlohmann::json& options) {
  return std::max(4, options.value("population", 50));
}

}  // namespace

void Nsga2Strategy::Tell(const TrialOutcome& outcome) {
  pending_vector_.clear();
  if (outcome.status == TrialStatus::kComplete) pending_vector_ = outcome.objective.vector;
  StrategyBase::Tell(outcome);
}

void Nsga2Strategy::Learn(const Observation& observation) {
  Member m;
  m.params = observation.params;
  if (observation.complete) {
    m.vector = pending_vector_;
    m.feasible = observation.feasible;
    m.violation = observation.violation;
  } else {
    m.feasible = false;
    m.violation = kInf;
  }
  batch_.push_back(std::move(m));
  if (static_cast<int>(batch_.size()) >= PopulationSize(options())) Select();
}

void Nsga2Strategy::Select() {
  std::vector<Member> pool = std::move(population_);
  pool.insert(pool.end(), std::make_move_iterator(batch_.begin()),
              std::make_move_iterator(batch_.end()));
  batch_.clear();
  // Feasible members are sorted into fronts; infeasible ones follow, by violation (Deb's rule).
  std::vector<std::size_t> feasible, infeasible;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    (pool[i].feasible && !pool[i].vector.empty() ? feasible : infeasible).push_back(i);
  }
  std::vector<ObjectivePoint> points;
  for (std::size_t i : feasible) points.push_back(pool[i].vector);
  std::vector<std::vector<std::size_t>> fronts;
  for (const auto& front : NonDominatedSort(points)) {
    std::vector<std::size_t> mapped;
    for (std::size_t k : front) mapped.push_back(feasible[k]);
    fronts.push_back(std::move(mapped));
  }
  std::stable_sort(infeasible.begin(), infeasible.end(), [&](std::size_t a, std::size_t b) {
    return pool[a].violation < pool[b].violation;
  });
  for (std::size_t i : infeasible) fronts.push_back({i});

  const std::size_t n = static_cast<std::size_t>(PopulationSize(options()));
  std::vector<Member> next;
  for (std::size_t rank = 0; rank < fronts.size() && next.size() < n; ++rank) {
    auto& front = fronts[rank];
    std::vector<double> crowding(front.size(), kInf);
    if (!pool[front[0]].vector.empty() && pool[front[0]].feasible) {
      std::vector<ObjectivePoint> all;
      for (const auto& m : pool) all.push_back(m.vector.empty() ? ObjectivePoint{} : m.vector);
      crowding = CrowdingDistance(all, front);
    }
    std::vector<std::size_t> order(front.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return crowding[a] > crowding[b]; });
    for (std::size_t k : order) {
      if (next.size() == n) break;
      Member m = pool[front[k]];
      m.rank = static_cast<int>(rank);
      m.crowding = crowding[k];
      next.push_back(std::move(m));
    }
  }
  population_ = std::move(next);
}

const Nsga2Strategy::Member& Nsga2Strategy::Tournament() {
  std::uniform_int_distribution<std::size_t> pick(0, population_.size() - 1);
  const Member& a = population_[pick(rng())];
  const Member& b = population_[pick(rng())];
  if (a.rank != b.rank) return a.rank < b.rank ? a : b;
  return a.crowding >= b.crowding ? a : b;
}

Params Nsga2Strategy::Mutate(Params child) {
  const auto free = space().FreeNames();
  if (free.empty()) return child;
  const double p = options().value("mutation_prob", -1.0) > 0
                       ? options().value("mutation_prob", -1.0)
                       : 1.0 / static_cast<double>(free.size());
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::size_t forced = std::uniform_int_distribution<std::size_t>(0, free.size() - 1)(rng());
  for (std::size_t i = 0; i < free.size(); ++i) {
    if (i != forced && unit(rng()) >= p) continue;
    const Dimension& d = space().At(free[i]);
    // Resample the dimension alone until it changes (a one-dimension space does the sampling).
    SearchSpace single({d});
    Value before = child[d.name];
    for (int attempt = 0; attempt < 10 && child[d.name] == before; ++attempt) {
      child[d.name] = single.Sample(rng()).at(d.name);
    }
  }
  return child;
}

Params Nsga2Strategy::Ask() {
  if (population_.empty()) return SampleUntried();
  const double crossover_prob = options().value("crossover_prob", 0.9);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Params child = space().Project(Tournament().params);
  if (unit(rng()) < crossover_prob) {
    Params other = space().Project(Tournament().params);
    for (auto& [name, value] : child) {
      if (unit(rng()) < 0.5) value = other.at(name);
    }
  }
  child = Mutate(child);
  for (int i = 0; i < 20 && Tried(child); ++i) child = Mutate(child);
  return child;
}

namespace {
nlohmann::json MembersToJson(const auto& members) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : members) {
    out.push_back({{"params", ParamsToJson(m.params)},
                   {"vector", m.vector},
                   {"feasible", m.feasible},
                   {"violation", m.violation == kInf ? -1.0 : m.violation},
                   {"rank", m.rank},
                   {"crowding", m.crowding == kInf ? -1.0 : m.crowding}});
  }
  return out;
}
}  // namespace

nlohmann::json Nsga2Strategy::SaveExtra() const {
  return {{"population", MembersToJson(population_)}, {"batch", MembersToJson(batch_)}};
}

void Nsga2Strategy::LoadExtra(const nlohmann::json& state) {
  auto load = [](const nlohmann::json& array) {
    std::vector<Member> members;
    for (const auto& j : array) {
      Member m;
      m.params = ParamsFromJson(j.at("params"));
      m.vector = j.at("vector").get<std::vector<double>>();
      m.feasible = j.at("feasible").get<bool>();
      double violation = j.at("violation").get<double>();
      m.violation = violation < 0 ? kInf : violation;
      m.rank = j.at("rank").get<int>();
      double crowding = j.at("crowding").get<double>();
      m.crowding = crowding < 0 ? kInf : crowding;
      members.push_back(std::move(m));
    }
    return members;
  };
  population_ = load(state.at("population"));
  batch_ = load(state.at("batch"));
}

}  // namespace symnas::search
