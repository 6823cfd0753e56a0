// StrategyBase: observation history, ranking, duplicate checks, and JSON Save/Load.
#include "strategy_base.hpp"

#include <algorithm>
#include <sstream>

#include "symnas/common/error.hpp"

namespace symnas::search {

bool Better(const Observation& a, const Observation& b) {
  if (a.feasible != b.feasible) return a.feasible;
  if (a.score != b.score) return a.score > b.score;
  return a.violation < b.violation;
}

std::string RngToString(const std::mt19937_64& rng) {
  std::ostringstream os;
  os << rng;
  return os.str();
}

void RngFromString(std::mt19937_64& rng, const std::string& text) {
  std::istringstream is(text);
  is >> rng;
  if (is.fail()) throw StoreError("malformed random-generator state in a strategy snapshot");
}

StrategyBase::StrategyBase(const StrategyContext& context)
    : space_(context.space),
      rng_(context.seed),
      options_(context.options),
      budget_check_(context.budget_check) {}

void StrategyBase::Tell(const TrialOutcome& outcome) {
  Observation o;
  o.trial_id = outcome.trial_id;
  o.params = outcome.params;
  o.complete = outcome.status == TrialStatus::kComplete || outcome.status == TrialStatus::kPruned;
  if (o.complete) {
    o.score = outcome.objective.score;
    o.feasible = outcome.objective.feasible;
    o.violation = outcome.objective.violation;
  }
  history_.push_back(o);
  tried_stale_ = true;
  Learn(history_.back());
}

void StrategyBase::OnSpaceChanged(const SearchSpace& space, const SpaceEdit&) {
  space_ = space;
  tried_stale_ = true;
}

std::vector<const Observation*> StrategyBase::Ranked() const {
  std::vector<const Observation*> out;
  for (const auto& o : history_) {
    if (o.complete) out.push_back(&o);
  }
  std::stable_sort(out.begin(), out.end(), [](auto* a, auto* b) { return Better(*a, *b); });
  return out;
}

bool StrategyBase::Tried(const Params& params) const {
  if (tried_stale_) {
    tried_keys_.clear();
    for (const auto& o : history_) tried_keys_.insert(ParamsKey(space_.Project(o.params)));
    tried_stale_ = false;
  }
  const std::string key = ParamsKey(space_.Project(params));
  return tried_keys_.count(key) > 0 || pending_keys_.count(key) > 0;
}

void StrategyBase::SetPending(const std::vector<Params>& pending) {
  pending_ = pending;
  pending_keys_.clear();
  for (const auto& p : pending_) pending_keys_.insert(ParamsKey(space_.Project(p)));
}

Params StrategyBase::SampleUntried(int attempts) {
  Params p = space_.Sample(rng_);
  for (int i = 1; i < attempts && Tried(p); ++i) p = space_.Sample(rng_);
  return p;
}

nlohmann::json StrategyBase::Save() const {
  nlohmann::json j;
  j["kind"] = name();
  j["rng"] = RngToString(rng_);
  j["space"] = space_.ToJson();
  nlohmann::json hist = nlohmann::json::array();
  for (const auto& o : history_) {
    hist.push_back({{"trial_id", o.trial_id},
                    {"params", ParamsToJson(o.params)},
                    {"complete", o.complete},
                    {"score", o.score},
                    {"feasible", o.feasible},
                    {"violation", o.violation}});
  }
  j["history"] = hist;
  j["extra"] = SaveExtra();
  return j;
}

void StrategyBase::Load(const nlohmann::json& state) {
  try {
    if (state.at("kind").get<std::string>() != name()) {
      throw StoreError("strategy snapshot is of kind '" + state["kind"].get<std::string>() +
                       "', not '" + name() + "'");
    }
    RngFromString(rng_, state.at("rng").get<std::string>());
    space_ = SearchSpace::FromJson(state.at("space"));
    history_.clear();
    tried_stale_ = true;
    for (const auto& h : state.at("history")) {
      Observation o;
      o.trial_id = h.at("trial_id").get<std::int64_t>();
      o.params = ParamsFromJson(h.at("params"));
      o.complete = h.at("complete").get<bool>();
      o.score = h.at("score").get<double>();
      o.feasible = h.at("feasible").get<bool>();
      o.violation = h.at("violation").get<double>();
      history_.push_back(std::move(o));
    }
    LoadExtra(state.at("extra"));
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(std::string("malformed strategy snapshot: ") + e.what());
  }
}

}  // namespace symnas::search
