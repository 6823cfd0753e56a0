// Parser of the ProbLog dialect: program text -> clause terms with per-clause variable numbering,
// variable names and file:line:col locations. Standard Prolog operators plus ProbLog's `::`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "symnas/logic/term.hpp"

namespace symnas::logic {

/// One clause (or directive) as read: its term, variables numbered 0..num_vars-1 in order of first
/// occurrence, their source names ("_" for anonymous ones) and where the clause starts.
struct ParsedClause {
  const Term* term = nullptr;
  VarNames var_names;
  int num_vars = 0;
  std::string file;
  int line = 0;
  int column = 0;
  std::size_t begin = 0;  ///< byte range of the clause in the parsed text: its first character
  std::size_t end = 0;    ///< and one past its final '.'
};

/// Parses every clause of `text` into `arena`. Throws ParseError, UnmatchedCharacter or
/// UnexpectedCharacter with file:line:col of the offending token. `first_line`/`first_column`:
/// where `text` starts in `file_name` (for a piece cut out of a file).
std::vector<ParsedClause> ParseProgramText(std::string_view text, const std::string& file_name,
                                           TermArena& arena, int first_line = 1,
                                           int first_column = 1);

}  // namespace symnas::logic
