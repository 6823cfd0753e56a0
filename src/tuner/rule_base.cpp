// Rule base: rule-file text -> clauses -> tuning rules with ids; the program with learned weights.
#include "symnas/tuner/rule_base.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "symnas/tuner/facts.hpp"

namespace symnas::tuner {

namespace {

/// Scanner over rule text that tracks line and column (1-based).
struct Cursor {
  const std::string& text;
  std::size_t pos = 0;
  int line = 1;
  int column = 1;

  bool Done() const { return pos >= text.size(); }
  char Peek(std::size_t ahead = 0) const {
    return pos + ahead < text.size() ? text[pos + ahead] : '\0';
  }
  char Next() {
    const char c = text[pos++];
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    return c;
  }
};

bool IsBlank(char c) { return c == '\0' || std::isspace(static_cast<unsigned char>(c)); }

/// Copies a quoted item ('atom' or "string") into `out`; RuleError if it is not closed.
void CopyQuoted(Cursor& cursor, std::string& out, const std::string& file_name) {
  const SourceLocation start{file_name, cursor.line, cursor.column};
  const char quote = cursor.Next();
  out += quote;
  while (!cursor.Done()) {
    const char c = cursor.Next();
    out += c;
    if (c == '\\' && !cursor.Done()) {
      out += cursor.Next();
    } else if (c == quote) {
      if (cursor.Peek() != quote) return;
      out += cursor.Next();  // doubled quote inside the quoted item
    }
  }
  throw RuleError("unterminated quoted item", start);
}

/// Skips a /* ... */ comment; RuleError if it is not closed.
void SkipBlockComment(Cursor& cursor, const std::string& file_name) {
  const SourceLocation start{file_name, cursor.line, cursor.column};
  cursor.Next();
  cursor.Next();
  while (!cursor.Done()) {
    if (cursor.Peek() == '*' && cursor.Peek(1) == '/') {
      cursor.Next();
      cursor.Next();
      return;
    }
    cursor.Next();
  }
  throw RuleError("unterminated /* comment", start);
}

/// Position of `token` at bracket depth 0 outside quotes in `text`, or npos.
std::size_t FindTopLevel(const std::string& text, const std::string& token) {
  int depth = 0;
  char quote = '\0';
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != '\0') {
      if (c == '\\')
        ++i;
      else if (c == quote)
        quote = '\0';
      continue;
    }
    if (c == '\'' || c == '"')
      quote = c;
    else if (c == '(' || c == '[' || c == '{')
      ++depth;
    else if (c == ')' || c == ']' || c == '}')
      --depth;
    else if (depth == 0 && text.compare(i, token.size(), token) == 0)
      return i;
  }
  return std::string::npos;
}

/// Splits "f(a, g(b), c)" into its top-level arguments; empty for an atom.
std::vector<std::string> Arguments(const std::string& term, std::string& functor) {
  const std::size_t open = term.find('(');
  functor = term.substr(0, open);
  if (open == std::string::npos || term.back() != ')') return {};
  std::vector<std::string> args;
  std::string inner = term.substr(open + 1, term.size() - open - 2);
  while (true) {
    const std::size_t comma = FindTopLevel(inner, ",");
    args.push_back(inner.substr(0, comma));
    if (comma == std::string::npos) break;
    inner = inner.substr(comma + 1);
  }
  return args;
}

std::string Trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

/// True if the compacted term contains a variable (a name starting with A-Z or _).
bool HasVariable(const std::string& term) {
  char quote = '\0';
  for (std::size_t i = 0; i < term.size(); ++i) {
    const char c = term[i];
    if (quote != '\0') {
      if (c == quote) quote = '\0';
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    const bool starts_name =
        i == 0 || !(std::isalnum(static_cast<unsigned char>(term[i - 1])) || term[i - 1] == '_');
    if (starts_name && (std::isupper(static_cast<unsigned char>(c)) || c == '_')) return true;
  }
  return false;
}

/// Head of a clause without its probability annotation; `annotation` gets the annotation.
std::string HeadOf(const std::string& clause_text, std::string& annotation, std::string& body) {
  const std::size_t neck = FindTopLevel(clause_text, ":-");
  std::string head = Trim(clause_text.substr(0, neck));
  body = neck == std::string::npos ? "" : Trim(clause_text.substr(neck + 2));
  const std::size_t colons = FindTopLevel(head, "::");
  annotation.clear();
  if (colons != std::string::npos) {
    annotation = CompactTerm(head.substr(0, colons));
    head = Trim(head.substr(colons + 2));
  }
  return CompactTerm(head);
}

std::string KeyOf(const std::string& clause_text) {
  if (clause_text.rfind(":-", 0) == 0) return ":-";
  std::string annotation;
  std::string body;
  const std::string head = HeadOf(clause_text, annotation, body);
  std::string functor;
  const auto args = Arguments(head, functor);
  return functor + "/" + std::to_string(args.size());
}

double ParseWeight(const std::string& text, const Clause& clause) {
  try {
    std::size_t used = 0;
    const double weight = std::stod(text, &used);
    if (used == text.size() && weight >= 0.0 && weight <= 1.0) return weight;
  } catch (const std::exception&) {
  }
  throw RuleError("tuning rule weight '" + text + "' is not a probability in [0, 1]",
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
  std::vector<Clause> clauses;
  Cursor cursor{text};
  std::string current;
  SourceLocation start;
  int depth = 0;
  while (!cursor.Done()) {
    const char c = cursor.Peek();
    if (c == '%') {
      while (!cursor.Done() && cursor.Peek() != '\n') cursor.Next();
      continue;
    }
    if (c == '/' && cursor.Peek(1) == '*') {
      SkipBlockComment(cursor, file_name);
      continue;
    }
    if (Trim(current).empty() && !IsBlank(c)) {
      current.clear();
      start = {file_name, cursor.line, cursor.column};
    }
    if (c == '\'' || c == '"') {
      CopyQuoted(cursor, current, file_name);
      continue;
    }
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (c == '.' && depth <= 0 && (IsBlank(cursor.Peek(1)) || cursor.Peek(1) == '%')) {
      cursor.Next();
      const std::string clause_text = Trim(current);
      clauses.push_back({clause_text, start, KeyOf(clause_text)});
      current.clear();
      depth = 0;
      continue;
    }
    current += cursor.Next();
  }
  if (!Trim(current).empty()) {
    throw RuleError("clause not terminated by '.': " + Trim(current).substr(0, 60), start);
  }
  return clauses;
}

bool ParseTuningRule(const Clause& clause, TuningRule& rule) {
  if (clause.key != "action/2") return false;
  std::string annotation;
  std::string body;
  const std::string head = HeadOf(clause.text, annotation, body);
  std::string functor;
  const auto args = Arguments(head, functor);
  if (HasVariable(head)) {
    throw RuleError(
        "tuning rule head '" + head + "' must be ground: write one rule per action and problem",
        clause.location);
  }
  rule = TuningRule{};
  rule.id = head;
  rule.action = args[0];
  rule.problem = args[1];
  rule.body = body;
  rule.location = clause.location;
  if (annotation.empty()) return true;
  if (annotation.rfind("t(", 0) == 0 && annotation.back() == ')') {
    rule.learnable = true;
    const std::string inner = annotation.substr(2, annotation.size() - 3);
    rule.initial_weight = inner == "_" ? 0.5 : ParseWeight(inner, clause);
  } else {
    rule.initial_weight = ParseWeight(annotation, clause);
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
    auto it = std::find_if(tuning_rules_.begin(), tuning_rules_.end(),
                           [&](const TuningRule& r) { return r.learnable && r.id == id; });
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

std::string RuleBase::Program(const std::map<std::string, double>& weights) const {
  std::ostringstream out;
  for (const auto& clause : clauses_) out << clause.text << ".\n";
  for (const auto& rule : tuning_rules_) {
    double weight = rule.initial_weight;
    if (auto it = weights.find(rule.id); rule.learnable && it != weights.end()) {
      weight = it->second;
    }
    out << PrologFloat(weight) << "::" << rule.id;
    if (!rule.body.empty()) out << " :- " << rule.body;
    out << ".\n";
  }
  return out.str();
}

}  // namespace symnas::tuner
