// Tokenizer of the ProbLog dialect: text -> tokens with 1-based line/column (internal header).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace symnas::logic {

enum class TokenKind : std::uint8_t {
  kAtom,    ///< name, symbol-char sequence, quoted atom, or solo char (! ;)
  kVar,     ///< variable name
  kInt,     ///< integer literal
  kFloat,   ///< float literal
  kString,  ///< double-quoted string
  kPunct,   ///< ( ) [ ] { } , |
  kEnd,     ///< the clause-ending '.'
  kEof,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string text;           ///< atom name (unquoted), var name, punct char, number text
  bool quoted = false;        ///< atom written in quotes (never an operator)
  bool layout_before = true;  ///< whitespace or comment right before the token
  std::int64_t int_value = 0;
  double float_value = 0.0;
  int line = 1;
  int column = 1;
  std::size_t offset = 0;  ///< byte offset of the token's first character in the text
};

/// Reads tokens one at a time; throws ParseError for malformed literals.
class Lexer {
 public:
  /// `first_line`/`first_column`: the position of the text's first character in its file (a
  /// clause cut out of a larger file keeps its locations).
  Lexer(std::string_view text, std::string file, int first_line = 1, int first_column = 1)
      : text_(text), file_(std::move(file)), line_(first_line), column_(first_column) {}
  Token Next();
  const std::string& file() const { return file_; }

 private:
  char Peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void Advance();
  bool SkipLayout();  // returns true if anything was skipped
  Token ReadNumber(Token tok);
  Token ReadQuoted(Token tok, char quote);
  Token ReadSymbolAtom(Token tok);
  [[noreturn]] void Fail(const std::string& message, int line, int column) const;

  std::string_view text_;
  std::string file_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace symnas::logic
