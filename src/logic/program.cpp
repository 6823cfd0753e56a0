// Program: parsed clause terms -> clause database (det clauses, ADs, tunables, queries, evidence).
#include "symnas/logic/program.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "db.hpp"
#include "externs.hpp"
#include "libraries.hpp"
#include "symnas/logic/errors.hpp"

namespace symnas::logic {

namespace {

SourceLocation LocationOf(const Term* t, const ParsedClause& parsed) {
  if (t && t->line > 0) return {parsed.file, t->line, t->column};
  return {parsed.file, parsed.line, parsed.column};
}

void CheckCallable(const Term* t, const ParsedClause& parsed) {
  if (!t->IsCallable()) {
    throw ParseError("Clause head must be an atom or compound term, got '" + ToString(t) + "'",
                     LocationOf(t, parsed));
  }
}

// Flattens a ';'-disjunction of p::h annotations; returns false if some part is not annotated.
bool CollectAnnotated(const Term* t, std::vector<const Term*>& parts) {
  const Symbols& sym = Symbols::Get();
  if (t->Is(sym.semicolon, 2)) {
    return CollectAnnotated(t->args[0], parts) && CollectAnnotated(t->args[1], parts);
  }
  if (t->Is(sym.colon2, 2)) {
    parts.push_back(t);
    return true;
  }
  return false;
}

void MarkVars(const Term* root, std::vector<char>& used) {
  std::vector<const Term*> todo{root};  // explicit stack: input decides the depth
  while (!todo.empty()) {
    const Term* t = todo.back();
    todo.pop_back();
    if (t->ground) continue;
    if (t->kind == TermKind::kVar) {
      used[static_cast<std::size_t>(t->var)] = 1;
      continue;
    }
    for (std::uint32_t i = 0; i < t->arity; ++i) todo.push_back(t->args[i]);
  }
}

// Marks the variables of a clause body: in `local` those inside \+/not and the first two
// arguments of findall/all/all_or_none (ProbLog's local variables), in `outside` the others.
void MarkBodyVars(const Term* body, std::vector<char>& outside, std::vector<char>& local) {
  static const Symbol kNot = Intern("\\+"), kNot2 = Intern("not"), kAnd = Intern(","),
                      kOr = Intern(";"), kIf = Intern("->"), kFindall = Intern("findall"),
                      kAll = Intern("all"), kAllOrNone = Intern("all_or_none");
  std::vector<std::pair<const Term*, bool>> todo{{body, false}};
  while (!todo.empty()) {
    auto [t, in_local] = todo.back();
    todo.pop_back();
    if (t->ground) continue;
    if (t->Is(kAnd, 2) || t->Is(kOr, 2) || t->Is(kIf, 2)) {
      todo.push_back({t->args[0], in_local});
      todo.push_back({t->args[1], in_local});
    } else if (t->Is(kNot, 1) || t->Is(kNot2, 1)) {
      todo.push_back({t->args[0], true});
    } else if (t->Is(kFindall, 3) || t->Is(kAll, 3) || t->Is(kAllOrNone, 3)) {
      MarkVars(t->args[0], local);
      MarkVars(t->args[1], local);
      todo.push_back({t->args[2], in_local});
    } else {
      MarkVars(t, in_local ? local : outside);
    }
  }
}

// The value of a literal probability (a number or a negated number), NaN for anything else.
double LiteralProbability(const Term* p) {
  bool negative = p->Is(Symbols::Get().minus, 1);
  if (negative) p = p->args[0];
  if (!p->IsNumber()) return std::numeric_limits<double>::quiet_NaN();
  double v = p->kind == TermKind::kInt ? static_cast<double>(p->int_value) : p->float_value;
  return negative ? -v : v;
}

// A file named by a directive (consult, use_module('x.py'), csv_load, sqlite_load): as ProbLog,
// a relative name is relative to the folder of the file holding the directive.
std::filesystem::path BesideDirective(const std::string& name, const SourceLocation& where) {
  std::filesystem::path path(name);
  if (path.is_relative()) path = std::filesystem::path(where.file).parent_path() / path;
  return path;
}

}  // namespace

void CheckProbabilities(const Clause& clause, const std::vector<double>& probs) {
  constexpr double kTolerance = 1e-9;  // float sums such as 0.1 + 0.2 + 0.7
  double sum = 0.0;
  for (std::size_t i = 0; i < probs.size(); ++i) {
    if (std::isnan(probs[i])) continue;
    const Term* head = clause.heads[i];
    SourceLocation where = clause.location;
    if (head->line > 0) {
      where.line = head->line;
      where.column = head->column;
    }
    if (!(probs[i] >= 0.0 && probs[i] <= 1.0)) {
      throw InvalidValue("Probability " + FormatFloat(probs[i]) + " of '" +
                             ToString(head, &clause.var_names) +
                             "' is not in [0, 1]; write a probability between 0 and 1",
                         where);
    }
    sum += probs[i];
    if (i > 0 && sum > 1.0 + kTolerance) {
      throw InvalidValue("The probabilities of this annotated disjunction sum to " +
                             FormatFloat(sum) + " > 1 (at '" + ToString(head, &clause.var_names) +
                             "'); the heads are exclusive, so make them sum to at most 1",
                         where);
    }
  }
}

Program::Program() { arenas_.push_back(std::make_shared<TermArena>()); }

Program Program::FromText(std::string_view text, const std::string& file_name) {
  Program program;
  program.AddText(text, file_name);
  return program;
}

Program Program::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read program file '" + path + "'", SourceLocation{path});
  std::stringstream buffer;
  buffer << in.rdbuf();
  return FromText(buffer.str(), path);
}

void Program::AddText(std::string_view text, const std::string& file_name, int first_line,
                      int first_column) {
  // A fresh arena per addition keeps copies of this program independent.
  arenas_.push_back(std::make_shared<TermArena>());
  auto parsed = ParseProgramText(text, file_name, *arenas_.back(), first_line, first_column);
  for (const ParsedClause& p : parsed) AddParsed(p);
}

void Program::AddClause(std::string_view clause_text) {
  std::string text(clause_text);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.pop_back();
  if (text.empty() || text.back() != '.') text += '.';
  text += '\n';
  AddText(text, "<clause " + std::to_string(++text_counter_) + ">");
}

void Program::AddQuery(std::string_view goal_text) {
  AddClause("query(" + std::string(goal_text) + ")");
}

void Program::AddEvidence(std::string_view atom_text, bool value) {
  AddClause("evidence(" + std::string(atom_text) + ", " + (value ? "true" : "false") + ")");
}

void Program::ClearQueriesAndEvidence() {
  queries_.clear();
  evidence_.clear();
  std::vector<std::pair<int, int>> kept;
  for (auto item : order_) {
    if (item.first == 0 || item.first == 3) kept.push_back(item);
  }
  order_ = std::move(kept);
}

void Program::AddParsed(const ParsedClause& parsed) {
  const Symbols& sym = Symbols::Get();
  const Term* t = parsed.term;
  SourceLocation where{parsed.file, parsed.line, parsed.column};
  if (t->Is(sym.neck, 1)) {
    AddDirective(t->args[0], where);
    return;
  }
  if (t->Is(sym.neck, 2) && t->args[0]->Is(sym.query, 1)) {  // query(G) :- Body.
    const Term* goal = t->args[0]->args[0];
    queries_.push_back(
        {goal, parsed.num_vars, parsed.var_names, LocationOf(goal, parsed), t->args[1]});
    order_.push_back({1, static_cast<int>(queries_.size()) - 1});
    return;
  }
  if (t->Is(sym.neck, 2)) {
    AddClauseTerm(t->args[0], t->args[1], parsed);
    return;
  }
  if (t->Is(sym.query, 1)) {
    queries_.push_back(
        {t->args[0], parsed.num_vars, parsed.var_names, LocationOf(t->args[0], parsed)});
    order_.push_back({1, static_cast<int>(queries_.size()) - 1});
    return;
  }
  if (t->Is(sym.evidence, 1) || t->Is(sym.evidence, 2)) {
    bool value = true;
    if (t->arity == 2) {
      const Term* v = t->args[1];
      if (v->IsAtom(sym.true_))
        value = true;
      else if (v->IsAtom(sym.false_))
        value = false;
      else
        throw ParseError("evidence/2 expects true or false, got '" + ToString(v) + "'",
                         LocationOf(t, parsed));
    }
    evidence_.push_back({t->args[0], parsed.num_vars, value, LocationOf(t->args[0], parsed)});
    order_.push_back({2, static_cast<int>(evidence_.size()) - 1});
    return;
  }
  AddClauseTerm(t, nullptr, parsed);
}

void Program::AddDirective(const Term* goal, const SourceLocation& where) {
  namespace fs = std::filesystem;
  const Symbols& sym = Symbols::Get();
  static const Symbol kUseModule = Intern("use_module");
  static const Symbol kLibrary = Intern("library");
  static const Symbol kLists = Intern("lists");
  if (goal->Is(kUseModule, 1) && goal->args[0]->Is(kLibrary, 1)) {
    const Term* lib = goal->args[0]->args[0];
    if (lib->IsAtom(kLists)) {
      lists_loaded_ = true;
      directives_.push_back(":- " + ToString(goal) + ".");
      order_.push_back({3, static_cast<int>(directives_.size()) - 1});
      return;
    }
    if (lib->kind == TermKind::kAtom) {
      if (std::string_view text = LibraryText(*lib->name); !text.empty()) {
        directives_.push_back(":- " + ToString(goal) + ".");
        order_.push_back({3, static_cast<int>(directives_.size()) - 1});
        if (std::find(loaded_.begin(), loaded_.end(), *lib->name) == loaded_.end()) {
          loaded_.push_back(*lib->name);
          AddText(text, "library(" + *lib->name + ")");
        }
        return;
      }
    }
    throw UnknownNameError(UnknownNameMessage("library", ToString(lib), LibraryNames()), where);
  }
  static const Symbol kUnknown = Intern("unknown");
  static const Symbol kFail = Intern("fail");
  static const Symbol kConsult = Intern("consult");
  if (goal->Is(kUnknown, 1) && goal->args[0]->IsAtom(kFail)) {
    unknown_fails_ = true;
    return;
  }
  if (goal->Is(kConsult, 1) && goal->args[0]->kind == TermKind::kAtom) {
    Consult(*goal->args[0]->name, where);
    return;
  }
  // Python externals (externs.cpp): the module's exported functions become predicates.
  if (goal->Is(kUseModule, 1) && goal->args[0]->kind == TermKind::kAtom &&
      fs::path(*goal->args[0]->name).extension() == ".py") {
    const fs::path path = BesideDirective(*goal->args[0]->name, where);
    for (ExternFunction& f : LoadPythonModule(path.string(), where)) {
      std::pair<Symbol, std::uint32_t> key{Intern(f.name), f.arity()};
      externs_[key] = std::make_shared<const ExternFunction>(std::move(f));
    }
    directives_.push_back(":- " + ToString(goal) + ".");
    order_.push_back({3, static_cast<int>(directives_.size()) - 1});
    return;
  }
  // library(db): the rows of a CSV file or an SQLite database as facts (db.cpp).
  static const Symbol kCsvLoad = Intern("csv_load"), kSqliteLoad = Intern("sqlite_load");
  if ((goal->Is(kCsvLoad, 2) && goal->args[1]->kind == TermKind::kAtom) ||
      goal->Is(kSqliteLoad, 1)) {
    if (goal->args[0]->kind != TermKind::kAtom) {
      throw ParseError(ToString(goal) + ": the file name must be an atom", where);
    }
    const fs::path path = BesideDirective(*goal->args[0]->name, where);
    AddText(goal->arity == 2 ? CsvFacts(path.string(), *goal->args[1]->name, where)
                             : SqliteFacts(path.string(), where),
            "library(db)");
    return;
  }
  (void)sym;
  throw ParseError("Unsupported directive ':- " + ToString(goal) +
                       "' (supported: use_module(library(Name)), use_module('File.py'), "
                       "consult(File), unknown(fail), csv_load(File, Predicate), "
                       "sqlite_load(File))",
                   where);
}

void Program::Consult(const std::string& name, const SourceLocation& where) {
  // As ProbLog: relative to the consulting file's folder, ".pl" added when the name has none.
  namespace fs = std::filesystem;
  fs::path path = BesideDirective(name, where);
  if (!fs::exists(path) && path.extension().empty()) path += ".pl";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("cannot read consulted file '" + path.string() + "'", where);
  const std::string key = fs::weakly_canonical(path).string();
  for (const std::string& open : consulting_) {
    if (open == key) throw ParseError("consult/1 cycle through '" + path.string() + "'", where);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  consulting_.push_back(key);
  AddText(buffer.str(), path.string());
  consulting_.pop_back();
}

void Program::AddClauseTerm(const Term* head, const Term* body, const ParsedClause& parsed) {
  const Symbols& sym = Symbols::Get();
  Clause clause;
  clause.body = body;
  clause.num_vars = parsed.num_vars;
  clause.var_names = parsed.var_names;
  clause.location = LocationOf(head, parsed);
  clause.library = IsLibraryFile(parsed.file);
  std::vector<const Term*> parts;
  if (CollectAnnotated(head, parts)) {
    for (const Term* part : parts) {
      const Term* h = part->args[1];
      CheckCallable(h, parsed);
      clause.heads.push_back(h);
      clause.probs.push_back(part->args[0]);
      clause.tunable.push_back(-1);
    }
  } else {
    CheckCallable(head, parsed);
    clause.heads.push_back(head);
  }
  if (body && !body->IsCallable() && body->kind != TermKind::kVar) {
    throw ParseError("Clause body must be callable, got '" + ToString(body) + "'",
                     LocationOf(body, parsed));
  }
  std::vector<char> used(static_cast<std::size_t>(clause.num_vars), 0);
  for (const Term* h : clause.heads) MarkVars(h, used);
  // A variable used only in local scopes (negation, findall) does not tell instances apart.
  std::vector<char> local(used.size(), 0);
  if (body) MarkBodyVars(body, used, local);
  std::vector<char> in_head(used.size(), 0);
  for (const Term* h : clause.heads) MarkVars(h, in_head);
  for (const Term* p : clause.probs) {
    if (!p->Is(sym.t, p->arity)) continue;
    for (std::uint32_t a = 1; a < p->arity; ++a) MarkVars(p->args[a], in_head);
  }
  for (int v = 0; v < clause.num_vars; ++v) {
    if (used[static_cast<std::size_t>(v)]) clause.instance_vars.push_back(v);
    if (in_head[static_cast<std::size_t>(v)]) clause.head_vars.push_back(v);
  }
  std::vector<double> literal;
  for (const Term* p : clause.probs) literal.push_back(LiteralProbability(p));
  CheckProbabilities(clause, literal);
  int index = static_cast<int>(clauses_.size());
  for (std::size_t i = 0; i < clause.probs.size(); ++i) {
    const Term* p = clause.probs[i];
    if (p->kind != TermKind::kCompound || p->name != sym.t) continue;
    Tunable tunable;
    tunable.clause = index;
    tunable.head = static_cast<int>(i);
    tunable.key =
        ToString(p, &clause.var_names) + "::" + ToString(clause.heads[i], &clause.var_names);
    const Term* start = p->args[0];
    if (start->kind == TermKind::kVar) {
      tunable.random_start = true;
      tunable.start = std::numeric_limits<double>::quiet_NaN();
    } else if (start->IsNumber()) {
      tunable.start = start->kind == TermKind::kInt ? static_cast<double>(start->int_value)
                                                    : start->float_value;
    } else {
      throw ParseError("t(...) expects a number or '_', got '" + ToString(start) + "'",
                       LocationOf(p, parsed));
    }
    for (std::uint32_t a = 1; a < p->arity; ++a) {
      const Term* arg = p->args[a];
      bool anonymous = arg->kind == TermKind::kVar &&
                       clause.var_names[static_cast<std::size_t>(arg->var)] == "_";
      if (!arg->IsNumber() && arg->kind != TermKind::kAtom && !anonymous) {
        tunable.args.push_back(arg);
      }
    }
    clause.tunable[i] = static_cast<int>(tunables_.size());
    tunables_.push_back(tunable);
    tunable_values_.push_back(tunable.start);
  }
  clauses_.push_back(std::move(clause));
  order_.push_back({0, index});
  Index(index);
}

void Program::Index(int clause_index) {
  const Clause& c = clauses_[clause_index];
  for (std::size_t h = 0; h < c.heads.size(); ++h) {
    const Term* head = c.heads[h];
    index_[{head->name, head->arity}].push_back({clause_index, static_cast<int>(h)});
  }
}

const ExternFunction* Program::FindExtern(Symbol name, std::uint32_t arity) const {
  if (externs_.empty()) return nullptr;
  auto it = externs_.find({name, arity});
  return it == externs_.end() ? nullptr : it->second.get();
}

Program::Definition Program::Lookup(Symbol name, std::uint32_t arity) const {
  auto it = index_.find({name, arity});
  if (it != index_.end()) return {&it->second, &clauses_};
  for (const Program* lib : {lists_loaded_ ? &ListsLibrary() : nullptr, &PreludeLibrary()}) {
    if (lib == nullptr || lib == this) continue;
    auto lit = lib->index_.find({name, arity});
    if (lit != lib->index_.end()) return {&lit->second, &lib->clauses_};
  }
  return {};
}

std::string Program::ListText(const std::vector<double>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += FormatFloat(values[i]);
  }
  return out + "]";
}

}  // namespace symnas::logic
