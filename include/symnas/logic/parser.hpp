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
};

/// Parses every clause of `text` into `arena`. Throws ParseError, UnmatchedCharacter or
/// UnexpectedCharacter with file:line:col of the offending token.
std::vector<ParsedClause> ParseProgramText(std::string_view text, const std::string& file_name,
                                           TermArena& arena);

}  // namespace symnas::logic
