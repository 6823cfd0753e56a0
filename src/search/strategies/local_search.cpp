// LocalSearchStrategy: one-edit neighbourhoods, first or best improvement, random restarts,
// isomorphic NAS-Bench-201 cells treated as one, over-budget neighbours skipped unevaluated.
#include "local_search.hpp"

#include <algorithm>

#include "nb201_params.hpp"
#include "symnas/common/error.hpp"
#include "symnas/hw/nb201.hpp"

namespace symnas::search {

LocalSearchStrategy::LocalSearchStrategy(const StrategyContext& context) : StrategyBase(context) {
  const std::string improvement = options().value("improvement", std::string("best"));
  if (improvement != "first" && improvement != "best") {
    throw ConfigError("strategy 'local_search': improvement must be 'first' or 'best', not '" +
                      improvement + "'");
  }
  first_improvement_ = improvement == "first";
  isomorphism_ = options().value("isomorphism", true);
  initial_random_ = std::max(1, options().value("initial_random", 1));
  const std::string restart = options().value("restart", std::string("random"));
  if (restart != "random" && restart != "perturb") {
    throw ConfigError("strategy 'local_search': restart must be 'random' or 'perturb', not '" +
                      restart + "'");
  }
  perturb_restart_ = restart == "perturb";
  Params probe;
  for (const auto& name : space().FreeNames()) probe[name] = space().At(name).default_value;
  nb201_cells_ = Nb201CellOf(space().Project(probe)).has_value();
}

std::string LocalSearchStrategy::Canonical(const Params& params) const {
  const Params p = space().Project(params);
  std::string key = ParamsKey(p);
  if (!isomorphism_ || !nb201_cells_) return key;
  const auto cell = Nb201CellOf(p);
  if (!cell) return key;
  // Everything but the six edges stays in the key.
  Params rest = p;
  for (int e = 0; e < hw::kNb201Edges; ++e) rest.erase("edge_" + std::to_string(e));
  const hw::Nb201Pruned pruned = hw::PruneNb201Cell(*cell, hw::Nb201Prune::kInputAndOutput);
  std::string cell_key = "disconnected";
  if (pruned.connected) {
    cell_key = pruned.cell.ToString();
    if (pruned.cell.ops[2] == hw::Nb201Op::kNone) {
      // Without an edge 1->2, nodes 1 and 2 are interchangeable.
      hw::Nb201Cell swapped = pruned.cell;
      std::swap(swapped.ops[0], swapped.ops[1]);
      std::swap(swapped.ops[4], swapped.ops[5]);
      cell_key = std::min(cell_key, swapped.ToString());
    }
  }
  return ParamsKey(rest) + "|" + cell_key;
}

bool LocalSearchStrategy::Seen(const Params& params) const {
  return Tried(params) || seen_.count(Canonical(params)) > 0;
}

bool LocalSearchStrategy::WithinBudget(const Params& params) const {
  return !budget_check() || budget_check()(params).within_budget;
}

Params LocalSearchStrategy::Perturbed(const Params& from) {
  // Two different free categorical/integer dimensions changed at random.
  std::vector<std::string> names;
  for (const auto& name : space().FreeNames()) {
    const Dimension& d = space().At(name);
    if ((d.kind == DimKind::kCategorical && d.choices.size() > 1) ||
        (d.kind == DimKind::kInt && d.high > d.low)) {
      names.push_back(name);
    }
  }
  Params p = space().Project(from);
  std::shuffle(names.begin(), names.end(), rng());
  for (size_t i = 0; i < std::min<size_t>(2, names.size()); ++i) {
    const Dimension& d = space().At(names[i]);
    if (d.kind == DimKind::kCategorical) {
      std::vector<std::string> others;
      for (const auto& c : d.choices) {
        if (c != AsString(p[d.name])) others.push_back(c);
      }
      p[d.name] = others[std::uniform_int_distribution<size_t>(0, others.size() - 1)(rng())];
    } else {
      std::int64_t v = AsInt(p[d.name]);
      do {
        v = std::uniform_int_distribution<std::int64_t>(static_cast<std::int64_t>(d.low),
                                                        static_cast<std::int64_t>(d.high))(rng());
      } while (v == AsInt(p[d.name]));
      p[d.name] = v;
    }
  }
  return p;
}

Params LocalSearchStrategy::RandomStart() {
  if (perturb_restart_) {
    // Iterated local search: restart two edits away from the best cell so far.
    const auto ranked = Ranked();
    if (!ranked.empty()) {
      for (int i = 0; i < 200; ++i) {
        Params p = Perturbed(ranked.front()->params);
        if (!Seen(p) && WithinBudget(p)) return p;
      }
    }
  }
  // Rejection sampling; the last draw is taken when nothing new within budget is found.
  Params p = space().Sample(rng());
  for (int i = 1; i < 2000 && (Seen(p) || !WithinBudget(p)); ++i) p = space().Sample(rng());
  return p;
}

void LocalSearchStrategy::BuildNeighbourhood() {
  queue_.clear();
  best_neighbour_.reset();
  neighbourhood_built_ = true;
  const Params centre = space().Project(current_->params);
  std::vector<Params> all;
  std::unordered_set<std::string> keys;
  for (const auto& name : space().FreeNames()) {
    const Dimension& d = space().At(name);
    std::vector<Value> values;
    if (d.kind == DimKind::kCategorical) {
      for (const auto& c : d.choices) {
        if (c != AsString(centre.at(name))) values.emplace_back(c);
      }
    } else if (d.kind == DimKind::kInt) {
      const std::int64_t v = AsInt(centre.at(name));
      if (v - 1 >= static_cast<std::int64_t>(d.low)) values.emplace_back(v - 1);
      if (v + 1 <= static_cast<std::int64_t>(d.high)) values.emplace_back(v + 1);
    }
    for (const auto& v : values) {
      Params n = centre;
      n[name] = v;
      // One representative per isomorphism class, unseen and within budget.
      if (Seen(n) || !keys.insert(Canonical(n)).second || !WithinBudget(n)) continue;
      all.push_back(std::move(n));
    }
  }
  std::shuffle(all.begin(), all.end(), rng());
  queue_.assign(all.begin(), all.end());
}

Params LocalSearchStrategy::Ask() {
  for (int guard = 0; guard < 1000; ++guard) {
    if (!current_) {
      if (starts_left_ <= 0) starts_left_ = initial_random_, start_best_.reset();
      asked_ = RandomStart();
      asked_role_ = "start";
      return *asked_;
    }
    if (!neighbourhood_built_) BuildNeighbourhood();
    while (!queue_.empty() && Seen(queue_.front())) queue_.pop_front();
    if (!queue_.empty()) {
      asked_ = queue_.front();
      queue_.pop_front();
      asked_role_ = "neighbour";
      return *asked_;
    }
    // Neighbourhood exhausted.
    if (best_neighbour_ && Better(*best_neighbour_, *current_)) {
      current_ = best_neighbour_;  // best improvement: move
    } else {
      current_.reset();  // local optimum: restart
    }
    neighbourhood_built_ = false;
    best_neighbour_.reset();
  }
  asked_ = RandomStart();
  asked_role_ = "start";
  return *asked_;
}

void LocalSearchStrategy::OnSpaceChanged(const SearchSpace& space, const SpaceEdit& edit) {
  StrategyBase::OnSpaceChanged(space, edit);
  queue_.clear();
  neighbourhood_built_ = false;
  best_neighbour_.reset();
  seen_.clear();
  for (const auto& o : history()) seen_.insert(Canonical(o.params));
}

void LocalSearchStrategy::Learn(const Observation& o) {
  seen_.insert(Canonical(o.params));
  if (!asked_ || space().Project(o.params) != space().Project(*asked_)) return;  // not ours
  asked_.reset();
  const bool usable = o.complete;
  if (asked_role_ == "start") {
    if (usable && (!start_best_ || Better(o, *start_best_))) start_best_ = o;
    if (--starts_left_ <= 0 && start_best_) {
      current_ = start_best_;
      neighbourhood_built_ = false;
    }
    return;
  }
  if (!usable || !current_) return;
  if (first_improvement_) {
    if (Better(o, *current_)) {
      current_ = o;
      neighbourhood_built_ = false;
    }
  } else if (!best_neighbour_ || Better(o, *best_neighbour_)) {
    best_neighbour_ = o;
  }
}

namespace {
nlohmann::json ObsToJson(const std::optional<Observation>& o) {
  if (!o) return nullptr;
  return {{"trial_id", o->trial_id}, {"params", ParamsToJson(o->params)},
          {"complete", o->complete}, {"score", o->score},
          {"feasible", o->feasible}, {"violation", o->violation}};
}
std::optional<Observation> ObsFromJson(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  Observation o;
  o.trial_id = j.at("trial_id").get<std::int64_t>();
  o.params = ParamsFromJson(j.at("params"));
  o.complete = j.at("complete").get<bool>();
  o.score = j.at("score").get<double>();
  o.feasible = j.at("feasible").get<bool>();
  o.violation = j.at("violation").get<double>();
  return o;
}
}  // namespace

nlohmann::json LocalSearchStrategy::SaveExtra() const {
  nlohmann::json queue = nlohmann::json::array();
  for (const auto& p : queue_) queue.push_back(ParamsToJson(p));
  return {{"current", ObsToJson(current_)},
          {"best_neighbour", ObsToJson(best_neighbour_)},
          {"queue", queue},
          {"neighbourhood_built", neighbourhood_built_},
          {"starts_left", starts_left_},
          {"start_best", ObsToJson(start_best_)},
          {"asked", asked_ ? ParamsToJson(*asked_) : nlohmann::json(nullptr)},
          {"asked_role", asked_role_}};
}

void LocalSearchStrategy::LoadExtra(const nlohmann::json& state) {
  current_ = ObsFromJson(state.at("current"));
  best_neighbour_ = ObsFromJson(state.at("best_neighbour"));
  queue_.clear();
  for (const auto& p : state.at("queue")) queue_.push_back(ParamsFromJson(p));
  neighbourhood_built_ = state.at("neighbourhood_built").get<bool>();
  starts_left_ = state.at("starts_left").get<int>();
  start_best_ = ObsFromJson(state.at("start_best"));
  asked_.reset();
  if (!state.at("asked").is_null()) asked_ = ParamsFromJson(state.at("asked"));
  asked_role_ = state.at("asked_role").get<std::string>();
  seen_.clear();
  for (const auto& o : history()) seen_.insert(Canonical(o.params));
}

}  // namespace symnas::search
