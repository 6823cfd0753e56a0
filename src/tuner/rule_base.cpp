// Rule base: rule-file text -> clauses (parsed by the logic engine) -> tuning rules with ids;
// one parsed program instantiated with the learned weights.
#include "symnas/tuner/rule_base.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "symnas/logic/parser.hpp"

namespace symnas::tuner {

namespace {

/// The clause's head without its neck and probability annotation; `annotation` and `body` get
/// those (nullptr when absent).
const logic::Term* SplitHead(const logic::Term* clause, const logic::Term*& annotation,
                             const logic::Term*& body) {
  const auto& sym = logic::Symbols::Get();
  const logic::Term* head = clause;
  annotation = body = nullptr;
  if (head->Is(sym.neck, 2)) {
    body = head->arg(1);
    head = head->arg(0);
  }
  if (head->Is(sym.colon2, 2)) {
    annotation = head->arg(0);
    head = head->arg(1);
  }
  return head;
}

std::string KeyOf(const logic::Term* clause) {
  if (clause->Is(logic::Symbols::Get().neck, 1)) return ":-";
  const logic::Term *annotation = nullptr, *body = nullptr;
  const logic::Term* head = SplitHead(clause, annotation, body);
  if (!head->IsCallable()) return logic::ToString(head) + "/0";
  return *head->name + "/" + std::to_string(head->arity);
}

double WeightOf(const logic::Term* annotation, const Clause& clause) {
  const double weight = annotation->kind == logic::TermKind::kInt
                            ? static_cast<double>(annotation->int_value)
                            : annotation->float_value;
  if (annotation->IsNumber() && weight >= 0.0 && weight <= 1.0) return weight;
  throw RuleError(
      "tuning rule weight '" + logic::ToString(annotation) + "' is not a probability in [0, 1]",
      clause.location);
}

}  // namespace

std::string CompactTerm(const std::string& text) {
  std::string out;
  char quote = '\0';
  for (char c : text) {
    if (quote != '\0') {
      if (c == quote) quote = '\0';
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      continue;
    }
    out += c;
  }
  return out;
}

std::vector<Clause> SplitClauses(const std::string& text, const std::string& file_name) {
  auto arena = std::make_shared<logic::TermArena>();
  std::vector<Clause> clauses;
  for (const auto& parsed : logic::ParseProgramText(text, file_name, *arena)) {
    Clause clause;
    clause.text = text.substr(parsed.begin, parsed.end - 1 - parsed.begin);
    clause.location = {file_name, parsed.line, parsed.column};
    clause.key = KeyOf(parsed.term);
    clause.term = parsed.term;
    clause.var_names = parsed.var_names;
    clause.arena = arena;
    clauses.push_back(std::move(clause));
  }
  return clauses;
}

bool ParseTuningRule(const Clause& clause, TuningRule& rule) {
  if (clause.key != "action/2") return false;
  const logic::Term *annotation = nullptr, *body = nullptr;
  const logic::Term* head = SplitHead(clause.term, annotation, body);
  const std::string head_text = CompactTerm(logic::ToString(head, &clause.var_names));
  if (!head->ground) {
    throw RuleError("tuning rule head '" + head_text +
                        "' must be ground: write one rule per action and problem",
                    clause.location);
  }
  rule = TuningRule{};
  rule.id = head_text;
  rule.action = logic::ToString(head->arg(0));
  rule.problem = CompactTerm(logic::ToString(head->arg(1)));
  rule.body = body == nullptr ? "" : logic::ToString(body, &clause.var_names);
  rule.text = clause.text;
  rule.location = clause.location;
  if (annotation == nullptr) return true;
  if (annotation->Is(logic::Symbols::Get().t, 1)) {
    rule.learnable = true;
    const logic::Term* start = annotation->arg(0);
    rule.initial_weight = start->kind == logic::TermKind::kVar ? 0.5 : WeightOf(start, clause);
  } else {
    rule.initial_weight = WeightOf(annotation, clause);
  }
  return true;
}

RuleBase RuleBase::Shipped() { return ShippedSet(""); }

RuleBase RuleBase::ShippedSet(const std::string& set) {
  const std::string prefix = "rules/" + set + (set.empty() ? "" : "_");
  RuleBase base;
  for (const auto& [name, text] : ShippedRuleFiles()) {
    const bool in_named_set = name.find('_') != std::string::npos;
    const bool wanted = set.empty() ? !in_named_set : name.rfind(prefix, 0) == 0;
    if (wanted) base.AddText(text, name);
  }
  if (base.clauses_.empty() && base.tuning_rules_.empty()) {
    throw ConfigError("no shipped rule set '" + set + "' (rules/" + set + "_*.pl)");
  }
  return base;
}

RuleBase RuleBase::WithUserFiles(const std::vector<std::string>& paths, const std::string& set) {
  RuleBase base = ShippedSet(set);
  for (const auto& path : paths) base.AddFile(path);
  return base;
}

void RuleBase::AddFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("cannot read rule file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  AddText(text.str(), path);
}

void RuleBase::AddText(const std::string& text, const std::string& file_name) {
  std::map<std::string, bool> replaced_keys;  // key -> already replaced by this file
  for (const auto& clause : clauses_) replaced_keys.emplace(clause.key, false);
  for (const auto& clause : SplitClauses(text, file_name)) AddClause(clause, replaced_keys);
  Compile();
}

void RuleBase::AddClause(const Clause& clause, std::map<std::string, bool>& replaced_keys) {
  TuningRule rule;
  if (ParseTuningRule(clause, rule)) {
    auto same = std::find_if(tuning_rules_.begin(), tuning_rules_.end(),
                             [&](const TuningRule& r) { return r.id == rule.id; });
    if (same != tuning_rules_.end())
      *same = rule;
    else
      tuning_rules_.push_back(rule);
    return;
  }
  if (clause.key == ":-") {
    const bool seen = std::any_of(clauses_.begin(), clauses_.end(), [&](const Clause& c) {
      return CompactTerm(c.text) == CompactTerm(clause.text);
    });
    if (!seen) clauses_.push_back(clause);
    return;
  }
  auto known = replaced_keys.find(clause.key);
  if (known != replaced_keys.end() && !known->second) {
    std::erase_if(clauses_, [&](const Clause& c) { return c.key == clause.key; });
    known->second = true;
  }
  clauses_.push_back(clause);
}

const TuningRule* RuleBase::FindRule(const std::string& id) const {
  for (const auto& rule : tuning_rules_) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

std::map<std::string, double> RuleBase::InitialWeights() const {
  std::map<std::string, double> weights;
  for (const auto& rule : tuning_rules_) {
    if (rule.learnable) weights[rule.id] = rule.initial_weight;
  }
  return weights;
}

std::vector<std::string> RuleBase::OverrideInitialWeights(
    const std::map<std::string, double>& weights) {
  std::vector<std::string> unknown;
  for (const auto& [id, weight] : weights) {
    if (!(weight >= 0.0 && weight <= 1.0)) {
      throw ConfigError("prior weight of " + id + " is " + std::to_string(weight) +
                        "; a rule weight is a probability in [0, 1]");
    }
    const std::string& rule_id = id;  // a lambda may not capture a structured binding (clang 14)
    auto it = std::find_if(tuning_rules_.begin(), tuning_rules_.end(),
                           [&](const TuningRule& r) { return r.learnable && r.id == rule_id; });
    if (it == tuning_rules_.end()) {
      unknown.push_back(id);
    } else {
      it->initial_weight = weight;
    }
  }
  return unknown;
}

void RuleBase::ValidateActions(const std::vector<std::string>& available_actions) const {
  const std::set<std::string> available(available_actions.begin(), available_actions.end());
  for (const auto& rule : tuning_rules_) {
    if (available.count(rule.action)) continue;
    std::string names;
    for (const auto& name : available_actions) names += (names.empty() ? "" : ", ") + name;
    throw RuleError("tuning rule " + rule.id + " names action '" + rule.action +
                        "', which no tuning action implements; available actions: " + names,
                    rule.location);
  }
}

void RuleBase::Compile() {
  // Runs of clauses that follow each other in one file are parsed as one text, each clause at
  // its own line and column, so that the engine's locations are the rule files' own.
  logic::Program program;
  std::string chunk;
  SourceLocation chunk_start;
  int line = 0;
  int column = 0;
  const auto flush = [&] {
    if (chunk.empty()) return;
    program.AddText(chunk + "\n", chunk_start.file, chunk_start.line, chunk_start.column);
    chunk.clear();
  };
  const auto place = [&](const std::string& text, const SourceLocation& at) {
    const bool follows = !chunk.empty() && at.file == chunk_start.file &&
                         (at.line > line || (at.line == line && at.column > column));
    if (!follows) {
      flush();
      chunk_start = at;
      line = at.line;
      column = at.column;
    }
    for (; line < at.line; ++line, column = 1) chunk += '\n';
    chunk.append(static_cast<std::size_t>(at.column - column), ' ');
    chunk += text;
    chunk += '.';
    column = at.column;
    for (char c : text + ".") {
      if (c == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
  };
  for (const auto& clause : clauses_) place(clause.text, clause.location);
  for (const auto& rule : tuning_rules_) place(rule.text, rule.location);
  flush();
  rule_tunables_.clear();
  for (std::size_t i = 0; i < program.tunables().size(); ++i) {
    const std::string& key = program.tunables()[i].key;  // "t(0.5)::action(a,p)"
    const TuningRule* rule = FindRule(CompactTerm(key.substr(key.find("::") + 2)));
    if (rule != nullptr && rule->learnable) rule_tunables_.emplace_back(i, rule->id);
  }
  program_ = std::move(program);
}

logic::Program RuleBase::Instantiate(const std::map<std::string, double>& weights) const {
  logic::Program program = program_;
  std::vector<double> values = program.tunable_values();
  for (const auto& [index, id] : rule_tunables_) {
    const auto it = weights.find(id);
    values[index] = it != weights.end() ? it->second : FindRule(id)->initial_weight;
  }
  program.set_tunable_values(std::move(values));
  return program;
}

}  // namespace symnas::tuner
