// The search layer's table of strategies (name, description, options with defaults) and the
// helpers every strategy table uses; the full table, with the tuner's strategies, is
// symnas::strategies::Strategies() (src/strategies).
#include "bo/bo.hpp"
#include "evolution.hpp"
#include "local_search.hpp"
#include "morphism.hpp"
#include "nsga2.hpp"
#include "pareto_rank.hpp"
#include "path_ei.hpp"
#include "random.hpp"
#include "symnas/common/name_table.hpp"
#include "symnas/search/strategy.hpp"

namespace symnas::search {

namespace {
template <typename T>
std::unique_ptr<Strategy> Make(const StrategyContext& context) {
  return std::make_unique<T>(context);
}
}  // namespace

const std::vector<StrategyEntry>& SearchStrategies() {
  static const std::vector<StrategyEntry> kStrategies = {
      {"random", "uniform random sampling of the current space", {}, &Make<RandomStrategy>},
      {"bo",
       "Gaussian-process BO: Matern 5/2 ARD kernel fitted by max. marginal likelihood, expected "
       "improvement optimised by multi-start search; keeps all observations across space edits",
       {{"initial_random", 5, "random candidates before the GP is used"},
        {"xi", 0.01, "exploration margin of expected improvement"},
        {"restarts", 5, "random restarts of the hyper-parameter fit"},
        {"acq_samples", 1000, "random candidates scored by the acquisition"},
        {"acq_starts", 5, "best candidates refined by local search"},
        {"refit_growth", 1.2,
         "re-fit the GP hyper-parameters when the observations grew by this factor since the "
         "last fit (always below 30 observations; 1: at every ask); in between only the "
         "posterior is recomputed with the last hyper-parameters"},
        {"feasible_only", false,
         "skip candidates whose costs known before training exceed a budget (random phase and "
         "acquisition)"},
        {"trust_region", false,
         "maximise the acquisition in a TuRBO box around the best feasible trial (side 0.4 of "
         "the cube, doubled after 2 new bests, halved after 3 asks without)"}},
       &Make<BoStrategy>},
      {"evolution",
       "regularised (aging) evolution, Real et al. 2019",
       {{"population", 20, "population size P (oldest member dies each step)"},
        {"sample", 5, "tournament size S"},
        {"mutation_rate", 1.0, "expected number of mutated dimensions per child (>= 1 mutated)"}},
       &Make<EvolutionStrategy>},
      {"morphism",
       "seed-000 comparator: AutoKeras-style network morphism (deepen, widen, add dense) of the "
       "best networks, guided by BO; over-budget candidates are discarded and regenerated",
       {{"initial_random", 3, "random candidates before morphing starts"},
        {"parents", 3, "number of best networks morphs start from"},
        {"candidates", 30, "morphed candidates scored by the GP per step"},
        {"max_regenerate", 50, "over-budget candidates discarded before giving up"},
        {"max_conv_blocks", 6, "limit of deepening (conv_blocks)"},
        {"max_convs_per_block", 3, "limit of deepening (convs_per_block)"},
        {"max_dense_layers", 3, "limit of add_dense"},
        {"max_filters", 512, "limit of widening a conv block"},
        {"max_units", 2048, "limit of widening a dense layer"}},
       &Make<MorphismStrategy>},
      {"nsga2",
       "NSGA-II (Deb et al. 2002): constrained non-dominated sorting and crowding distance over "
       "the objective vector (use with the pareto objective)",
       {{"population", 50, "population size N (survivors selected after every N trials)"},
        {"crossover_prob", 0.9, "probability of uniform crossover of two parents"},
        {"mutation_prob", -1.0, "per-dimension mutation probability (-1: 1/d)"}},
       &Make<Nsga2Strategy>},
      {"local_search",
       "local search over the one-edit neighbourhood with random restarts (White et al. 2021); "
       "isomorphic NAS-Bench-201 cells count as one, over-budget neighbours are skipped "
       "unevaluated",
       {{"improvement", "best",
         "first (move to the first better neighbour) or best (evaluate the "
         "whole neighbourhood, move to the best)"},
        {"isomorphism", true, "treat NAS-Bench-201 cells with the same pruned network as one"},
        {"initial_random", 1, "random cells drawn per (re)start; the best is the start"},
        {"restart", "random",
         "at a local optimum: random (a random cell) or perturb (two random edits of the best "
         "cell so far: iterated local search)"}},
       &Make<LocalSearchStrategy>},
      {"path_ei",
       "Bayesian linear regression on NAS-Bench-201 path encodings (BANANAS' encoding; other "
       "spaces: their one-hot / unit-cube encoding) with expected improvement over the untried "
       "within-budget candidates",
       {{"initial_random", 10, "random within-budget candidates before the model is used"},
        {"noise", 0.002, "observation noise sd in score units (accuracy in [0, 1])"},
        {"prior_sd", 0.01, "prior sd of each regression weight in score units"},
        {"enumerate_up_to", 20000,
         "score the whole space when it has at most this many candidates"},
        {"pool_samples", 1000, "else: random candidates scored per ask"}},
       &Make<PathEiStrategy>},
      {"pareto_rank",
       "Pareto-rank surrogate (HW-PR-NAS): a pairwise ranker of the evaluated candidates' Pareto "
       "ranks on architecture features and costs known before training; asks the best-ranked "
       "untried candidate of each cost bin in turn (use with the pareto objective)",
       {{"initial_random", 20, "random candidates before the ranker is used"},
        {"bins", 10, "equal-count bins along the first known objective component (latency)"},
        {"enumerate_up_to", 20000,
         "score the whole space when it has at most this many candidates"},
        {"pool_samples", 1000, "else: random candidates scored per ask"},
        {"l2", 1e-3, "weight decay of the ranker"},
        {"iterations", 200, "gradient steps of each ranker fit"},
        {"max_pairs", 3000, "ordered pairs the ranker is fitted on (a seeded sample when more)"},
        {"acquisition", "bins",
         "bins (the ranker's best per cost bin in turn) or hv_gain (ridge-predicted unknown "
         "component + known cost, the largest hypervolume gain; two components)"},
        {"ridge", 1.0, "ridge penalty of the hv_gain regression"}},
       &Make<ParetoRankStrategy>},
  };
  return kStrategies;
}

bool StrategyEntry::HasOption(std::string_view option) const {
  return HasOptionNamed(params, option);
}

std::string StrategyNames(const std::vector<StrategyEntry>& table) {
  std::string names;
  for (const auto& e : table) names += (names.empty() ? "" : ", ") + std::string(e.name);
  return names;
}

const StrategyEntry& FindStrategyIn(const std::vector<StrategyEntry>& table,
                                    const std::string& name) {
  return FindByName(table, "strategy", name);
}

nlohmann::json ResolveStrategyOptions(const StrategyEntry& entry, const nlohmann::json& user) {
  return ResolveOptions({"strategy", entry.name, ""}, entry.params, user);
}

std::unique_ptr<Strategy> MakeStrategyFrom(const StrategyEntry& entry, StrategyContext context) {
  context.options = ResolveStrategyOptions(entry, context.options);
  return entry.make(context);
}

std::unique_ptr<Strategy> MakeSearchStrategy(const std::string& name, StrategyContext context) {
  return MakeStrategyFrom(FindStrategyIn(SearchStrategies(), name), std::move(context));
}

}  // namespace symnas::search
