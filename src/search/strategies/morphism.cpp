// MorphismStrategy: morphisms on CNN template parameters, budget-filtered regeneration,
// GP-EI selection over architecture features, and the space edits that admit the child.
#include "morphism.hpp"

#include <algorithm>
#include <cmath>

#include "bo/acquisition.hpp"
#include "bo/gp.hpp"
#include "symnas/search/cnn_template.hpp"

namespace symnas::search {

namespace {

std::int64_t GetInt(const Params& p, const std::string& name, std::int64_t fallback) {
  auto it = p.find(name);
  return it == p.end() || it->second.index() == 2 ? fallback : AsInt(it->second);
}

/// The template default of an integer parameter; 0 for a name the template lacks.
std::int64_t TemplateDefault(const std::string& name) {
  const std::optional<Value> value = CnnTemplateDefault(name);
  return value && std::holds_alternative<std::int64_t>(*value) ? std::get<std::int64_t>(*value) : 0;
}

/// Key of a candidate without the per-layer parameters its structure does not use (filters_<i>
/// for i >= conv_blocks, units_<i> for i >= dense_layers): two candidates with the same key
/// are the same network.
std::string NetworkKey(const Params& p) {
  Params used;
  const std::int64_t blocks = GetInt(p, "conv_blocks", TemplateDefault("conv_blocks")),
                     dense = GetInt(p, "dense_layers", TemplateDefault("dense_layers"));
  for (const auto& [name, value] : p) {
    if (auto block = CnnLayerIndex(name, "filters_"); block && *block >= blocks) continue;
    if (auto layer = CnnLayerIndex(name, "units_"); layer && *layer >= dense) continue;
    used[name] = value;
  }
  return ParamsKey(used);
}

}  // namespace

Eigen::VectorXd MorphismStrategy::ArchFeatures(const Params& p) {
  const std::int64_t blocks = GetInt(p, "conv_blocks", TemplateDefault("conv_blocks"));
  const std::int64_t dense = GetInt(p, "dense_layers", TemplateDefault("dense_layers"));
  double log_filters = 0, log_units = 0;
  for (std::int64_t i = 0; i < blocks; ++i) {
    log_filters += std::log2(
        static_cast<double>(GetInt(p, "filters_" + std::to_string(i), CnnTemplateFilters(i))));
  }
  for (std::int64_t i = 0; i < dense; ++i) {
    log_units +=
        std::log2(static_cast<double>(GetInt(p, "units_" + std::to_string(i), kCnnTemplateUnits)));
  }
  Eigen::VectorXd f(5);
  f << blocks / 6.0, GetInt(p, "convs_per_block", TemplateDefault("convs_per_block")) / 3.0,
      dense / 3.0, blocks ? log_filters / blocks / 9.0 : 0.0,
      dense ? log_units / dense / 11.0 : 0.0;
  return f;
}

bool MorphismStrategy::Morph(const std::string& op, Params& p, std::mt19937_64& gen) const {
  const auto& o = options();
  const std::int64_t blocks = GetInt(p, "conv_blocks", TemplateDefault("conv_blocks"));
  const std::int64_t dense = GetInt(p, "dense_layers", TemplateDefault("dense_layers"));
  std::uniform_int_distribution<int> coin(0, 1);
  if (op == "deepen") {
    bool can_block = blocks < o.value("max_conv_blocks", 6);
    bool can_conv = GetInt(p, "convs_per_block", TemplateDefault("convs_per_block")) <
                    o.value("max_convs_per_block", 3);
    if (!can_block && !can_conv) return false;
    if (can_block && (!can_conv || coin(gen) == 0)) {
      std::int64_t last = blocks > 0 ? GetInt(p, "filters_" + std::to_string(blocks - 1),
                                              CnnTemplateFilters(blocks - 1))
                                     : 32;
      p["conv_blocks"] = blocks + 1;
      p["filters_" + std::to_string(blocks)] = last;
    } else {
      p["convs_per_block"] = GetInt(p, "convs_per_block", TemplateDefault("convs_per_block")) + 1;
    }
    return true;
  }
  if (op == "widen") {
    std::vector<std::pair<std::string, std::int64_t>> options_widen;
    for (std::int64_t i = 0; i < blocks; ++i) {
      std::string n = "filters_" + std::to_string(i);
      if (GetInt(p, n, CnnTemplateFilters(i)) < o.value("max_filters", 512))
        options_widen.push_back({n, o.value("max_filters", 512)});
    }
    for (std::int64_t i = 0; i < dense; ++i) {
      std::string n = "units_" + std::to_string(i);
      if (GetInt(p, n, kCnnTemplateUnits) < o.value("max_units", 2048))
        options_widen.push_back({n, o.value("max_units", 2048)});
    }
    if (options_widen.empty()) return false;
    auto [n, cap] =
        options_widen[std::uniform_int_distribution<std::size_t>(0, options_widen.size() - 1)(gen)];
    p[n] = std::min<std::int64_t>(cap, 2 * GetInt(p, n, TemplateDefault(n)));
    return true;
  }
  if (op == "add_dense") {
    if (dense >= o.value("max_dense_layers", 3)) return false;
    std::int64_t last = dense > 0
                            ? GetInt(p, "units_" + std::to_string(dense - 1), kCnnTemplateUnits)
                            : kCnnTemplateUnits;
    p["dense_layers"] = dense + 1;
    p["units_" + std::to_string(dense)] = last;
    return true;
  }
  return false;
}

bool MorphismStrategy::WithinBudget(const Params& params) const {
  return !budget_check() || budget_check()(params).within_budget;
}

Params MorphismStrategy::InitialCandidate() {
  const int max_regenerate = options().value("max_regenerate", 50);
  // The space's defaults first, unless another worker already evaluates them.
  Params p = history().empty() && !Tried(space().Defaults()) ? space().Defaults() : SampleUntried();
  for (int i = 0; i < max_regenerate && !WithinBudget(p); ++i) p = SampleUntried();
  return p;
}

Params MorphismStrategy::Ask() {
  const auto ranked = Ranked();
  if (static_cast<int>(history().size()) < options().value("initial_random", 3) || ranked.empty()) {
    return InitialCandidate();
  }
  static const char* kOps[] = {"deepen", "widen", "add_dense"};
  const std::size_t n_parents = std::min<std::size_t>(ranked.size(), options().value("parents", 3));
  const int wanted = options().value("candidates", 30);
  const int max_regenerate = options().value("max_regenerate", 50);
  struct Child {
    Params params;
    std::string op;
    std::int64_t parent;
  };
  std::vector<Child> children;
  int discarded = 0, attempts = 0;
  while (static_cast<int>(children.size()) < wanted && discarded < max_regenerate &&
         attempts < 20 * wanted) {
    ++attempts;
    const Observation* parent =
        ranked[std::uniform_int_distribution<std::size_t>(0, n_parents - 1)(rng())];
    Params child = space().Project(parent->params);
    std::string ops;
    const int n_ops = std::uniform_int_distribution<int>(1, 2)(rng());
    for (int k = 0; k < n_ops; ++k) {
      std::string op = kOps[std::uniform_int_distribution<int>(0, 2)(rng())];
      if (Morph(op, child, rng())) ops += (ops.empty() ? "" : "+") + op;
    }
    if (ops.empty()) continue;
    const std::string key = NetworkKey(child);
    bool duplicate = false;
    for (const auto& o : history()) duplicate = duplicate || NetworkKey(o.params) == key;
    for (const auto& q : pending()) duplicate = duplicate || NetworkKey(q) == key;
    for (const auto& c : children) duplicate = duplicate || NetworkKey(c.params) == key;
    if (duplicate) continue;
    if (!WithinBudget(child)) {
      ++discarded;  // over budget: discarded and regenerated, as the paper's AutoKeras did
      continue;
    }
    children.push_back({std::move(child), ops, parent->trial_id});
  }
  if (children.empty()) return InitialCandidate();

  std::size_t pick = 0;
  if (ranked.size() >= 2) {
    const double worst = ranked.back()->score;
    Eigen::MatrixXd X(static_cast<Eigen::Index>(history().size()), 5);
    Eigen::VectorXd y(X.rows());
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      const Observation& o = history()[static_cast<std::size_t>(i)];
      X.row(i) = ArchFeatures(o.params).transpose();
      y[i] = o.complete ? o.score : worst;
    }
    bo::GaussianProcess gp;
    gp.SetData(X, y);
    gp.Fit(rng(), 2);
    double best_ei = -1.0;
    for (std::size_t c = 0; c < children.size(); ++c) {
      double m = 0, v = 0;
      gp.PredictStandardised(ArchFeatures(children[c].params), &m, &v);
      double ei = bo::ExpectedImprovement(m, v, gp.BestStandardised(), 0.01);
      if (ei > best_ei) best_ei = ei, pick = c;
    }
  }
  QueueEditsFor(children[pick].params, children[pick].op, children[pick].parent);
  return children[pick].params;
}

void MorphismStrategy::QueueEditsFor(const Params& child, const std::string& op,
                                     std::int64_t parent) {
  SearchSpace grown = space();
  EditReason why{op, parent, "morphism child of trial " + std::to_string(parent)};
  auto push = [&](SpaceEdit e) {
    grown.Apply(e);
    pending_edits_.push_back(std::move(e));
  };
  for (const auto& [name, value] : child) {
    const Dimension* d = grown.Find(name);
    if (!d) {
      std::int64_t v = AsInt(value);
      const bool per_layer = name.rfind("units_", 0) == 0 || name.rfind("filters_", 0) == 0;
      std::int64_t cap = name.rfind("units_", 0) == 0 ? options().value("max_units", 2048)
                                                      : options().value("max_filters", 512);
      Dimension added =
          per_layer ? Dimension::Int(name, std::min<std::int64_t>(16, v), std::max(cap, v), v)
                    : Dimension::Int(name, v, v, v);
      push(SpaceEdit::Add(added, Value{TemplateDefault(name)}, why));
      continue;
    }
    if (d->Contains(value)) continue;
    if (d->fixed) push(SpaceEdit::Unfix(name, why));
    d = grown.Find(name);
    if (!d->Contains(value) && d->kind != DimKind::kCategorical) {
      double v = AsDouble(value);
      push(SpaceEdit::Bounds(SpaceEditKind::kExpandBounds, name, std::min(d->low, v),
                             std::max(d->high, v), why));
    }
  }
}

std::vector<SpaceEdit> MorphismStrategy::TakeSpaceEdits() {
  std::vector<SpaceEdit> out;
  out.swap(pending_edits_);
  return out;
}

}  // namespace symnas::search
