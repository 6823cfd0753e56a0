// Tokenizer: program text -> tokens (names, variables, numbers, punctuation, clause ends).
#include "lexer.hpp"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "symnas/logic/errors.hpp"
#include "symnas/logic/term.hpp"

namespace symnas::logic {

namespace {
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsLower(c) || IsUpper(c) || IsDigit(c); }
bool IsSymbol(char c) { return c != 0 && std::strchr("+-*/\\^<>=~:.?@#&$", c) != nullptr; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
}  // namespace

void Lexer::Fail(const std::string& message, int line, int column) const {
  throw ParseError(message, SourceLocation{file_, line, column});
}

void Lexer::Advance() {
  if (pos_ >= text_.size()) return;
  if (text_[pos_] == '\n') {
    ++line_;
    column_ = 1;
  } else {
    ++column_;
  }
  ++pos_;
}

bool Lexer::SkipLayout() {
  bool skipped = false;
  while (pos_ < text_.size()) {
    char c = Peek();
    if (IsSpace(c)) {
      Advance();
    } else if (c == '%') {
      while (pos_ < text_.size() && Peek() != '\n') Advance();
    } else if (c == '/' && Peek(1) == '*') {
      int line = line_, column = column_;
      Advance();
      Advance();
      while (pos_ < text_.size() && !(Peek() == '*' && Peek(1) == '/')) Advance();
      if (pos_ >= text_.size()) Fail("Unterminated block comment", line, column);
      Advance();
      Advance();
    } else {
      break;
    }
    skipped = true;
  }
  return skipped;
}

Token Lexer::ReadNumber(Token tok) {
  std::size_t start = pos_;
  if (Peek() == '0' && Peek(1) == 'x' && std::isxdigit(static_cast<unsigned char>(Peek(2)))) {
    Advance();
    Advance();
    while (std::isxdigit(static_cast<unsigned char>(Peek()))) Advance();
    tok.text = std::string(text_.substr(start, pos_ - start));
    tok.kind = TokenKind::kInt;
    errno = 0;
    tok.int_value = std::strtoll(tok.text.c_str() + 2, nullptr, 16);
    if (errno == ERANGE) Fail("Integer literal too large: " + tok.text, tok.line, tok.column);
    return tok;
  }
  while (IsDigit(Peek())) Advance();
  bool is_float = false;
  if (Peek() == '.' && IsDigit(Peek(1))) {
    is_float = true;
    Advance();
    while (IsDigit(Peek())) Advance();
  }
  if ((Peek() == 'e' || Peek() == 'E') &&
      (IsDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && IsDigit(Peek(2))))) {
    is_float = true;
    Advance();
    if (Peek() == '+' || Peek() == '-') Advance();
    while (IsDigit(Peek())) Advance();
  }
  tok.text = std::string(text_.substr(start, pos_ - start));
  if (is_float) {
    tok.kind = TokenKind::kFloat;
    tok.float_value = std::strtod(tok.text.c_str(), nullptr);
    // Stored as round(x, 15) like ProbLog; a literal with at most 15 decimals and no exponent
    // is already its own rounding, which keeps long lists of readings cheap to read.
    std::size_t dot = tok.text.find('.');
    bool exponent = tok.text.find_first_of("eE") != std::string::npos;
    if (exponent || (dot != std::string::npos && tok.text.size() - dot - 1 > 15)) {
      tok.float_value = RoundFloat15(tok.float_value);
    }
  } else {
    tok.kind = TokenKind::kInt;
    errno = 0;
    tok.int_value = std::strtoll(tok.text.c_str(), nullptr, 10);
    if (errno == ERANGE) Fail("Integer literal too large: " + tok.text, tok.line, tok.column);
  }
  return tok;
}

Token Lexer::ReadQuoted(Token tok, char quote) {
  Advance();  // opening quote
  std::string value;
  while (true) {
    if (pos_ >= text_.size()) Fail("Unterminated quoted text", tok.line, tok.column);
    char c = Peek();
    if (c == quote) {
      if (Peek(1) == quote) {  // doubled quote
        value += quote;
        Advance();
        Advance();
        continue;
      }
      Advance();
      break;
    }
    if (c == '\\') {
      Advance();
      char e = Peek();
      switch (e) {
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        case '\\':
          value += '\\';
          break;
        case '\'':
          value += '\'';
          break;
        case '"':
          value += '"';
          break;
        case '\n':
          break;  // line continuation
        default:
          Fail(std::string("Unknown escape sequence '\\") + e + "'", line_, column_);
      }
      Advance();
      continue;
    }
    value += c;
    Advance();
  }
  tok.text = value;
  tok.kind = quote == '"' ? TokenKind::kString : TokenKind::kAtom;
  tok.quoted = true;
  return tok;
}

Token Lexer::ReadSymbolAtom(Token tok) {
  std::size_t start = pos_;
  while (IsSymbol(Peek())) Advance();
  std::string_view text = text_.substr(start, pos_ - start);
  // ProbLog's tokenizer knows operators only, so `0.5::\+a` is `::` then `\+`: a run of
  // symbol characters that is no operator is cut after its longest operator prefix.
  auto is_operator = [](std::string_view s) {
    return InfixOp(s) != nullptr || PrefixOp(s) != nullptr;
  };
  if (!is_operator(text)) {
    for (std::size_t length = text.size() - 1; length > 0; --length) {
      if (!is_operator(text.substr(0, length))) continue;
      std::size_t back = text.size() - length;  // symbol characters hold no newline
      pos_ -= back;
      column_ -= static_cast<int>(back);
      text = text.substr(0, length);
      break;
    }
  }
  tok.text = std::string(text);
  tok.kind = TokenKind::kAtom;
  return tok;
}

Token Lexer::Next() {
  Token tok;
  tok.layout_before = SkipLayout() || pos_ == 0;
  tok.line = line_;
  tok.column = column_;
  tok.offset = pos_;
  if (pos_ >= text_.size()) {
    tok.kind = TokenKind::kEof;
    return tok;
  }
  char c = Peek();
  if (IsDigit(c)) return ReadNumber(tok);
  if (c == '\'' || c == '"') return ReadQuoted(tok, c);
  if (IsLower(c) || IsUpper(c)) {
    std::size_t start = pos_;
    while (IsAlnum(Peek())) Advance();
    tok.text = std::string(text_.substr(start, pos_ - start));
    tok.kind = IsUpper(c) ? TokenKind::kVar : TokenKind::kAtom;
    return tok;
  }
  if (c == '.' && (pos_ + 1 >= text_.size() || IsSpace(Peek(1)) || Peek(1) == '%')) {
    Advance();
    tok.kind = TokenKind::kEnd;
    tok.text.assign(1, '.');
    return tok;
  }
  if (IsSymbol(c)) return ReadSymbolAtom(tok);
  if (c == '!' || c == ';') {
    Advance();
    tok.text = std::string(1, c);
    tok.kind = TokenKind::kAtom;
    return tok;
  }
  if (std::strchr("()[]{},|", c) != nullptr) {
    Advance();
    tok.text = std::string(1, c);
    tok.kind = TokenKind::kPunct;
    return tok;
  }
  throw UnexpectedCharacter(std::string("Unexpected character '") + c + "'",
                            SourceLocation{file_, tok.line, tok.column});
}

}  // namespace symnas::logic
