// Operator-precedence parser: tokens -> clause terms (one ParsedClause per clause or directive).
#include "symnas/logic/parser.hpp"

#include <unordered_map>

#include "lexer.hpp"
#include "symnas/logic/errors.hpp"

namespace symnas::logic {

namespace {

constexpr int kMaxDepth = 2000;  // nesting bound, so hostile input cannot exhaust the stack

// Prefix operators as the parser reads them: the printer's table plus ProbLog's `not` (fy 900),
// which the printer keeps writing in functional notation.
const OpDef* ReadPrefixOp(std::string_view name) {
  static const OpDef kNot{900, OpType::kFy};
  return name == "not" ? &kNot : PrefixOp(name);
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& file, TermArena& arena, int first_line,
         int first_column)
      : lexer_(text, file, first_line, first_column), arena_(arena) {
    tok_ = lexer_.Next();
  }

  std::vector<ParsedClause> ParseAll() {
    std::vector<ParsedClause> clauses;
    while (tok_.kind != TokenKind::kEof) clauses.push_back(ParseClause());
    return clauses;
  }

 private:
  ParsedClause ParseClause() {
    vars_.clear();
    names_.clear();
    ParsedClause clause;
    clause.file = lexer_.file();
    clause.line = tok_.line;
    clause.column = tok_.column;
    clause.begin = tok_.offset;
    auto [term, priority] = Parse(1200, 0);
    (void)priority;
    if (tok_.kind != TokenKind::kEnd) {
      if (tok_.kind == TokenKind::kEof) Fail("Expected '.' at end of clause", tok_);
      if (tok_.kind == TokenKind::kPunct && (tok_.text == ")" || tok_.text == "]")) {
        throw UnmatchedCharacter("Unmatched character '" + tok_.text + "'", Where(tok_));
      }
      Fail("Expected binary operator", tok_);
    }
    clause.end = tok_.offset + 1;
    Advance();
    clause.term = RewriteAggregateHead(term);
    clause.var_names = names_;
    clause.num_vars = static_cast<int>(names_.size());
    return clause;
  }

  void Advance() { tok_ = lexer_.Next(); }
  SourceLocation Where(const Token& t) const { return {lexer_.file(), t.line, t.column}; }
  [[noreturn]] void Fail(const std::string& message, const Token& t) const {
    throw ParseError(message, Where(t));
  }
  bool IsPunct(const char* p) const { return tok_.kind == TokenKind::kPunct && tok_.text == p; }

  // True when the current token can begin a term (used to decide prefix-operator application).
  bool StartsTerm() const {
    switch (tok_.kind) {
      case TokenKind::kAtom:
        return tok_.quoted || !InfixOp(tok_.text) || ReadPrefixOp(tok_.text) || tok_.text == "-";
      case TokenKind::kVar:
      case TokenKind::kInt:
      case TokenKind::kFloat:
      case TokenKind::kString:
        return true;
      case TokenKind::kPunct:
        return tok_.text == "(" || tok_.text == "[" || tok_.text == "{";
      default:
        return false;
    }
  }

  // ProbLog's aggregate heads (library(aggregate)): `h(G1, .., Gn, avg<X>) :- Body.` is
  // `h(G1, .., Gn, R) :- aggregate(avg, X, [G1, .., Gn], Body, ([G1, .., Gn], R)).`, also under a
  // scope (`s:h(..., avg<X>) :- Body.`).
  const Term* RewriteAggregateHead(const Term* term) {
    static const Symbol kNeck = Intern(":-"), kColon = Intern(":"), kAgg = Intern("$aggregate"),
                        kAggregate = Intern("aggregate"), kComma = Intern(",");
    if (!term->Is(kNeck, 2)) return term;
    const Term* head = term->args[0];
    const Term* scope = nullptr;
    if (head->Is(kColon, 2)) {
      scope = head->args[0];
      head = head->args[1];
    }
    if (head->kind != TermKind::kCompound || !head->args[head->arity - 1]->Is(kAgg, 2)) {
      return term;
    }
    const Term* agg = head->args[head->arity - 1];
    const Term* result = Variable("R_VAR");
    std::vector<const Term*> group(head->args, head->args + head->arity - 1);
    const Term* groups = arena_.List(group);
    const Term* pair = arena_.Compound(kComma, std::vector<const Term*>{groups, result});
    const Term* body = arena_.Compound(
        kAggregate,
        std::vector<const Term*>{agg->args[0], agg->args[1], groups, term->args[1], pair},
        term->line, term->column);
    group.push_back(result);
    const Term* new_head = arena_.Compound(head->name, group, head->line, head->column);
    if (scope) new_head = arena_.Compound(kColon, std::vector<const Term*>{scope, new_head});
    return arena_.Compound(kNeck, std::vector<const Term*>{new_head, body}, term->line,
                           term->column);
  }

  const Term* Variable(const std::string& name) {
    if (name == "_") {
      names_.push_back("_");
      return arena_.Var(static_cast<int>(names_.size()) - 1);
    }
    auto it = vars_.find(name);
    if (it != vars_.end()) return arena_.Var(it->second);
    int id = static_cast<int>(names_.size());
    vars_[name] = id;
    names_.push_back(name);
    return arena_.Var(id);
  }

  // Parses a term of priority <= max_priority; returns it with its priority.
  std::pair<const Term*, int> Parse(int max_priority, int depth) {
    if (depth > kMaxDepth) Fail("Term nested too deeply", tok_);
    auto [left, left_priority] = ParsePrimary(max_priority, depth);
    while (true) {
      std::string name;
      if (tok_.kind == TokenKind::kAtom && !tok_.quoted)
        name = tok_.text;
      else if (tok_.kind == TokenKind::kPunct && (tok_.text == "," || tok_.text == "|")) {
        name.assign(1, tok_.text == "|" ? ';' : ',');
      } else {
        break;
      }
      const OpDef* op = InfixOp(name);
      if (!op || op->priority > max_priority) break;
      int left_max = op->type == OpType::kYfx ? op->priority : op->priority - 1;
      int right_max = op->type == OpType::kXfy ? op->priority : op->priority - 1;
      if (left_priority > left_max) break;
      Token op_tok = tok_;
      Advance();
      auto [right, right_priority] = Parse(right_max, depth + 1);
      (void)right_priority;
      const Term* args[2] = {left, right};
      if (name == "<-") name = ":-";
      left = arena_.Compound(Intern(name), args, op_tok.line, op_tok.column);
      left_priority = op->priority;
    }
    return {left, left_priority};
  }

  std::vector<const Term*> ParseArgs(const Token& open, const char* close, int depth) {
    std::vector<const Term*> args;
    while (true) {
      args.push_back(Parse(999, depth + 1).first);
      if (IsPunct(",")) {
        Advance();
        continue;
      }
      if (IsPunct(close)) {
        Advance();
        return args;
      }
      ExpectClose(open, close);
    }
  }

  [[noreturn]] void ExpectClose(const Token& open, const char* close) {
    (void)close;
    if (tok_.kind == TokenKind::kEnd || tok_.kind == TokenKind::kEof ||
        (tok_.kind == TokenKind::kPunct && (tok_.text == ")" || tok_.text == "]"))) {
      throw UnmatchedCharacter("Unmatched character '" + open.text + "'", Where(open));
    }
    Fail("Expected binary operator", tok_);
  }

  std::pair<const Term*, int> ParsePrimary(int max_priority, int depth) {
    Token t = tok_;
    switch (t.kind) {
      case TokenKind::kInt:
        Advance();
        return {arena_.Int(t.int_value), 0};
      case TokenKind::kFloat:
        Advance();
        return {arena_.Float(t.float_value), 0};
      case TokenKind::kVar:
        Advance();
        return {Variable(t.text), 0};
      case TokenKind::kString:
        Advance();
        return {arena_.Atom(Intern(t.text), t.line, t.column), 0};
      case TokenKind::kEnd:
        Fail("Unexpected end of clause", t);
      case TokenKind::kEof:
        Fail("Unexpected end of file", t);
      case TokenKind::kPunct:
        return ParsePunct(t, depth);
      case TokenKind::kAtom:
        break;
    }
    Advance();
    // aggregate term of ProbLog: name<Var> (avg<Salary>) in an aggregate head
    if (!t.quoted && tok_.kind == TokenKind::kAtom && tok_.text == "<" && !tok_.layout_before) {
      Lexer probe = lexer_;
      Token var = probe.Next();
      Token close = probe.Next();
      if (var.kind == TokenKind::kVar && close.kind == TokenKind::kAtom && close.text == ">") {
        Advance();
        Advance();
        Advance();
        const Term* args[2] = {arena_.Atom(Intern(t.text), t.line, t.column), Variable(var.text)};
        return {arena_.Compound(Intern("$aggregate"), args, t.line, t.column), 0};
      }
    }
    // functional notation: name immediately followed by '('
    if (IsPunct("(") && !tok_.layout_before) {
      Token open = tok_;
      Advance();
      auto args = ParseArgs(open, ")", depth);
      return {arena_.Compound(Intern(t.text), args, t.line, t.column), 0};
    }
    // negative numeric literal
    if (!t.quoted && t.text == "-" && !tok_.layout_before &&
        (tok_.kind == TokenKind::kInt || tok_.kind == TokenKind::kFloat)) {
      Token num = tok_;
      Advance();
      if (num.kind == TokenKind::kInt) return {arena_.Int(-num.int_value), 0};
      return {arena_.Float(-num.float_value), 0};
    }
    const OpDef* prefix = t.quoted ? nullptr : ReadPrefixOp(t.text);
    if (prefix && StartsTerm()) {
      // An infix operator right after means the prefix op is used as an atom operand.
      bool next_is_infix = tok_.kind == TokenKind::kAtom && !tok_.quoted && InfixOp(tok_.text) &&
                           !PrefixOp(tok_.text);
      if (!next_is_infix) {
        int priority = prefix->priority;
        int arg_max = prefix->type == OpType::kFy ? priority : priority - 1;
        if (priority > max_priority) {
          priority = 999;
          arg_max = 999;
        }
        const Term* arg = Parse(arg_max, depth + 1).first;
        const Term* args[1] = {arg};
        return {arena_.Compound(Intern(t.text), args, t.line, t.column), priority};
      }
    }
    int priority = 0;
    if (!t.quoted && (InfixOp(t.text) || PrefixOp(t.text))) {
      const OpDef* any = InfixOp(t.text) ? InfixOp(t.text) : PrefixOp(t.text);
      priority = any->priority <= max_priority ? any->priority : 0;
    }
    return {arena_.Atom(Intern(t.text), t.line, t.column), priority};
  }

  std::pair<const Term*, int> ParsePunct(const Token& t, int depth) {
    if (t.text == "(") {
      Advance();
      const Term* inner = Parse(1200, depth + 1).first;
      if (!IsPunct(")")) ExpectClose(t, ")");
      Advance();
      return {inner, 0};
    }
    if (t.text == "[") {
      Advance();
      if (IsPunct("]")) {
        Advance();
        return {arena_.Atom(Symbols::Get().nil, t.line, t.column), 0};
      }
      std::vector<const Term*> items;
      const Term* tail = nullptr;
      while (true) {
        items.push_back(Parse(999, depth + 1).first);
        if (IsPunct(",")) {
          Advance();
          continue;
        }
        if (IsPunct("|")) {
          Advance();
          tail = Parse(999, depth + 1).first;
        }
        if (IsPunct("]")) {
          Advance();
          break;
        }
        ExpectClose(t, "]");
      }
      return {arena_.List(items, tail), 0};
    }
    if (t.text == "{" || t.text == "}") {
      throw UnexpectedCharacter("Unexpected character '" + t.text + "'", Where(t));
    }
    if (t.text == ")" || t.text == "]") {
      throw UnmatchedCharacter("Unmatched character '" + t.text + "'", Where(t));
    }
    Fail("Unexpected '" + t.text + "'", t);
  }

  Lexer lexer_;
  TermArena& arena_;
  Token tok_;
  std::unordered_map<std::string, int> vars_;
  VarNames names_;
};

}  // namespace

std::vector<ParsedClause> ParseProgramText(std::string_view text, const std::string& file_name,
                                           TermArena& arena, int first_line, int first_column) {
  Parser parser(text, file_name, arena, first_line, first_column);
  return parser.ParseAll();
}

}  // namespace symnas::logic
