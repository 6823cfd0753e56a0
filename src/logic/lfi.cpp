// LFI by EM: model + interpretations -> learned t(...) weights (see lfi.hpp for the steps).
#include "symnas/logic/lfi.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <unordered_map>

#include "symnas/logic/bdd.hpp"
#include "symnas/logic/errors.hpp"
#include "symnas/logic/formula.hpp"
#include "symnas/logic/ground.hpp"
#include "symnas/logic/parser.hpp"
#include "symnas/logic/wmc.hpp"

namespace symnas::logic {

std::vector<Interpretation> ParseInterpretations(std::string_view text,
                                                 const std::string& file_name) {
  const Symbols& sym = Symbols::Get();
  std::vector<Interpretation> out;
  std::string chunk;
  int chunk_line = 1, line_no = 0;
  auto flush = [&](bool force) {
    TermArena arena;
    // Pad with newlines so error locations keep the file's line numbers.
    std::string padded(static_cast<std::size_t>(chunk_line - 1), '\n');
    padded += chunk;
    Interpretation interp;
    for (const ParsedClause& c : ParseProgramText(padded, file_name, arena)) {
      const Term* t = c.term;
      if (t->Is(sym.evidence, 2)) {
        const Term* v = t->args[1];
        if (!v->IsAtom(sym.true_) && !v->IsAtom(sym.false_)) {
          throw ParseError("evidence/2 expects true or false", {file_name, c.line, c.column});
        }
        interp.push_back({ToString(t->args[0]), v->IsAtom(sym.true_)});
      } else if (t->Is(sym.evidence, 1)) {
        interp.push_back({ToString(t->args[0]), true});
      } else {
        throw ParseError("expected evidence(Atom, true|false), got '" + ToString(t) + "'",
                         {file_name, c.line, c.column});
      }
    }
    if (force || !interp.empty()) out.push_back(std::move(interp));
    chunk.clear();
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    ++line_no;
    if (line.substr(0, 3) == "---") {
      flush(true);
      chunk_line = line_no + 1;
    } else {
      chunk += line;
      chunk += '\n';
    }
    pos = end + 1;
  }
  flush(false);
  return out;
}

std::vector<Interpretation> ReadInterpretationsFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read evidence file '" + path + "'", SourceLocation{path});
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseInterpretations(buffer.str(), path);
}

namespace {

// What one ground instance of a learnable head contributes: BDD roots of
// (head chosen & body & evidence) and (body & evidence).
struct Contribution {
  int tunable = 0;
  BddManager::Ref chosen_body_evidence = BddManager::kFalse;
  BddManager::Ref body_evidence = BddManager::kFalse;
};

// One interpretation compiled once; each EM iteration only re-weights it.
struct CompiledExample {
  GroundProgram gp;
  std::unique_ptr<BddManager> manager = std::make_unique<BddManager>();
  BddVarMap vars;
  BddManager::Ref evidence = BddManager::kTrue;
  std::vector<Contribution> contributions;
};

bool CompileExample(const Program& model, const Interpretation& interp, const LfiOptions& options,
                    std::vector<double>& values, TunableInstances& instances, CompiledExample& ex) {
  Program p = model;
  p.ClearQueriesAndEvidence();
  for (const auto& [atom, value] : interp) p.AddEvidence(atom, value);
  GroundOptions go;
  go.tunable_values = values;
  go.record_group_bodies = true;
  go.ground_all_tunables = options.ground_all_tunables;
  go.instances = &instances;
  go.instances_by_head = true;
  try {
    ex.gp = Ground(p, go);
  } catch (const InconsistentEvidenceError&) {
    return false;  // ProbLog ignores such an example
  }
  // New t(_, X) instances start at their template's value.
  for (std::size_t i = values.size() - static_cast<std::size_t>(instances.first_index);
       i < instances.items.size(); ++i) {
    values.push_back(values[static_cast<std::size_t>(instances.items[i].tunable)]);
  }
  std::vector<Lit> roots;
  for (const GroundEvidence& e : ex.gp.evidence) roots.push_back(e.value ? e.node : -e.node);
  std::vector<int> learnable_groups;
  for (std::size_t g = 0; g < ex.gp.groups.size(); ++g) {
    const ChoiceGroup& group = ex.gp.groups[g];
    bool learnable = false;
    for (int t : group.tunable) learnable = learnable || t >= 0;
    if (!learnable) continue;
    learnable_groups.push_back(static_cast<int>(g));
    roots.push_back(group.body_node);
  }
  std::vector<Lit> mapped, acyclic_roots;
  LogicFormula formula = BuildFormula(ex.gp, roots, mapped);
  LogicFormula acyclic = BreakCycles(formula, mapped, acyclic_roots);
  BddCompiler compiler(acyclic, *ex.manager, ex.vars);
  std::size_t ne = ex.gp.evidence.size();
  for (std::size_t i = 0; i < ne; ++i) {
    ex.evidence = ex.manager->And(ex.evidence, compiler.Compile(acyclic_roots[i]));
  }
  if (ex.evidence == BddManager::kFalse) return false;
  for (std::size_t k = 0; k < learnable_groups.size(); ++k) {
    int g = learnable_groups[k];
    const ChoiceGroup& group = ex.gp.groups[static_cast<std::size_t>(g)];
    BddManager::Ref body = compiler.Compile(acyclic_roots[ne + k]);
    BddManager::Ref body_ev = ex.manager->And(body, ex.evidence);
    for (std::size_t h = 0; h < group.tunable.size(); ++h) {
      if (group.tunable[h] < 0) continue;
      // As ProbLog's LFI: a head counts in an instance when a head with the same arguments was
      // reached in the example (ProbLog queries lfi_body/lfi_par by the reached heads'
      // arguments; ADtest_8_3: a(X,X); b(Y,Y); c(Z) with X=Y=Z).
      bool queried = false;
      for (std::size_t r = 0; r < group.tunable.size() && !queried; ++r) {
        queried = group.choice_nodes[r] != 0 && group.head_args[r] == group.head_args[h];
      }
      if (!queried && !options.ground_all_tunables) continue;
      Contribution c;
      c.tunable = group.tunable[h];
      c.body_evidence = body_ev;
      c.chosen_body_evidence = ex.manager->And(compiler.Choice(g, static_cast<int>(h)), body_ev);
      ex.contributions.push_back(c);
    }
  }
  return true;
}

// The fixed probability mass of each clause's non-learnable heads (numbers only).
double FixedMass(const Clause& c) {
  double mass = 0.0;
  for (std::size_t h = 0; h < c.heads.size(); ++h) {
    if (c.tunable[h] >= 0) continue;
    const Term* p = c.probs[h];
    if (p->kind == TermKind::kInt)
      mass += static_cast<double>(p->int_value);
    else if (p->kind == TermKind::kFloat)
      mass += p->float_value;
  }
  return mass;
}

// The learnable heads of each annotated disjunction, with the mass they share.
struct LearnableAd {
  std::vector<std::size_t> tunables;
  double available = 1.0;
};

std::vector<LearnableAd> LearnableAds(const Program& model) {
  std::vector<LearnableAd> ads;
  for (const Clause& c : model.clauses()) {
    if (c.heads.size() < 2) continue;
    LearnableAd ad;
    ad.available = 1.0 - FixedMass(c);
    for (int t : c.tunable) {
      if (t >= 0) ad.tunables.push_back(static_cast<std::size_t>(t));
    }
    if (!ad.tunables.empty()) ads.push_back(std::move(ad));
  }
  return ads;
}

// The ADs over t(_, X) instances: the heads of one clause with one binding.
void AddInstanceAds(const Program& model, const TunableInstances& instances,
                    std::vector<LearnableAd>& ads) {
  std::unordered_map<std::string, std::size_t> by_binding;
  for (std::size_t i = 0; i < instances.items.size(); ++i) {
    const TunableInstance& inst = instances.items[i];
    const Tunable& t = model.tunables()[static_cast<std::size_t>(inst.tunable)];
    const Clause& c = model.clauses()[static_cast<std::size_t>(t.clause)];
    if (c.heads.size() < 2) continue;
    auto [it, inserted] =
        by_binding.try_emplace(std::to_string(t.clause) + ":" + inst.args_key, ads.size());
    if (inserted) ads.push_back({{}, 1.0 - FixedMass(c)});
    ads[it->second].tunables.push_back(static_cast<std::size_t>(instances.first_index) + i);
  }
}

// Rescales the learnable heads of every AD to sum to its available mass (ProbLog's
// _normalize_weights: all zero stays zero).
void NormalizeAds(const std::vector<LearnableAd>& ads, std::vector<double>& values) {
  for (const LearnableAd& ad : ads) {
    double sum = 0.0;
    for (std::size_t t : ad.tunables) sum += values[t];
    double scale = sum != 0.0 ? ad.available / sum : ad.available;
    for (std::size_t t : ad.tunables) values[t] *= scale;
  }
}

// ProbLog's M step: weight := expected head count / expected body count (0 at or below 1e-15),
// for the weights the examples reached; the others keep their value. In an AD ProbLog divides
// every head by one shared body count (the sum over its heads), so after normalisation an AD
// head's weight is its share of the AD's expected head counts.
void UpdateWeights(const std::vector<LearnableAd>& ads, const std::vector<double>& numerator,
                   const std::vector<double>& denominator, const std::vector<char>& reached,
                   std::vector<double>& values) {
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (!reached[k]) continue;
    values[k] = numerator[k] <= 1e-15 ? 0.0 : numerator[k] / denominator[k];
  }
  for (const LearnableAd& ad : ads) {
    double shared = 0.0;
    for (std::size_t t : ad.tunables) shared += denominator[t];
    for (std::size_t t : ad.tunables) {
      if (reached[t]) values[t] = numerator[t] <= 1e-15 ? 0.0 : numerator[t] / shared;
    }
  }
  NormalizeAds(ads, values);
}

// ProbLog's evidence completion for annotated disjunctions (lfi.py, infer_AD_values): in an
// example where every learnable head of a ground AD but one is observed false and that one is
// unobserved, it is added as true; an example where all of them are false is left as it is
// (and then no AD of it is completed). Heads with variables are left alone (see docs/logic.md).
Interpretation CompleteAdEvidence(const Program& model, const Interpretation& interp) {
  std::unordered_map<std::string, bool> observed;
  for (const auto& [atom, value] : interp) observed.emplace(atom, value);
  Interpretation completed = interp;
  for (const Clause& c : model.clauses()) {
    if (c.heads.size() < 2) continue;
    std::vector<std::string> heads;
    bool ground = true;
    for (std::size_t h = 0; h < c.heads.size(); ++h) {
      if (c.tunable[h] < 0) continue;
      ground = ground && c.heads[h]->ground;
      heads.push_back(ToString(c.heads[h]));
    }
    if (heads.size() < 2 || !ground) continue;
    std::size_t false_count = 0;
    const std::string* unobserved = nullptr;
    for (const std::string& head : heads) {
      auto it = observed.find(head);
      if (it == observed.end()) {
        unobserved = &head;
      } else if (!it->second) {
        ++false_count;
      }
    }
    if (false_count == heads.size()) return interp;
    if (false_count + 1 == heads.size() && unobserved != nullptr) {
      completed.push_back({*unobserved, true});
    }
  }
  return completed;
}

}  // namespace

LfiResult LearnParameters(const Program& model, const std::vector<Interpretation>& examples,
                          const LfiOptions& options) {
  std::vector<double> values = model.tunable_values();
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  bool any_random = false;
  for (std::size_t k = 0; k < values.size(); ++k) {
    if (model.tunables()[k].random_start) {
      values[k] = uniform(rng);
      any_random = true;
    }
  }
  std::vector<LearnableAd> ads = LearnableAds(model);
  if (any_random) NormalizeAds(ads, values);

  TunableInstances instances;
  instances.first_index = static_cast<int>(values.size());
  std::vector<CompiledExample> compiled;
  compiled.reserve(examples.size());
  for (const Interpretation& interp : examples) {
    CompiledExample ex;
    if (CompileExample(model, CompleteAdEvidence(model, interp), options, values, instances, ex)) {
      compiled.push_back(std::move(ex));
    }
  }
  AddInstanceAds(model, instances, ads);

  LfiResult result;
  double prev_score = -1e10;
  double delta = 1000.0;
  while (result.iterations < options.max_iterations &&
         (delta < 0 || delta > options.min_improvement)) {
    ++result.iterations;
    std::vector<double> numerator(values.size(), 0.0), denominator(values.size(), 0.0);
    std::vector<char> reached(values.size(), 0);
    double log_likelihood = 0.0;
    int used = 0;
    for (CompiledExample& ex : compiled) {
      auto weights = ProbabilityWeights(ex.gp, ex.vars, &values);
      auto counts = WeightedCountAll<ProbabilitySemiring>(*ex.manager, weights);
      double p_evidence = counts[ex.evidence];
      if (!(p_evidence > 0.0)) continue;  // "Ignoring example"
      ++used;
      log_likelihood += std::log(p_evidence);
      for (const Contribution& c : ex.contributions) {
        auto k = static_cast<std::size_t>(c.tunable);
        reached[k] = 1;
        numerator[k] += counts[c.chosen_body_evidence] / p_evidence;
        denominator[k] += counts[c.body_evidence] / p_evidence;
      }
    }
    UpdateWeights(ads, numerator, denominator, reached, values);
    double score = 0.0;
    for (double v : values) {
      if (v > 0.0) score += std::log(v);
    }
    delta = score - prev_score;
    prev_score = score;
    result.log_likelihood = log_likelihood;
    result.used_examples = used;
  }
  const std::size_t first = static_cast<std::size_t>(instances.first_index);
  for (std::size_t k = 0; k < first; ++k) {
    result.weights.push_back({model.tunables()[k].key, values[k]});
  }
  std::vector<double> instance_weights(values.begin() + static_cast<std::ptrdiff_t>(first),
                                       values.end());
  for (std::size_t i = 0; i < instances.items.size(); ++i) {
    const TunableInstance& inst = instances.items[i];
    result.instance_weights.push_back(
        {model.tunables()[static_cast<std::size_t>(inst.tunable)].key + " for " + inst.args_key,
         instance_weights[i]});
  }
  Program learned = model;
  values.resize(first);
  learned.set_tunable_values(values);
  result.learned_program = learned.ToText(&instances.items, &instance_weights);
  return result;
}

std::string FormatLfiResult(const LfiResult& result) {
  std::string out;
  char buf[64];
  for (const auto* list : {&result.weights, &result.instance_weights}) {
    for (const LearnedWeight& w : *list) {
      std::snprintf(buf, sizeof buf, "%.15g", w.weight);
      out += w.key + "\t" + buf + "\n";
    }
  }
  std::snprintf(buf, sizeof buf, "%.15g", result.log_likelihood);
  out += std::string("#score\t") + buf + "\n";
  out += "#iterations\t" + std::to_string(result.iterations) + "\n";
  return out;
}

}  // namespace symnas::logic
