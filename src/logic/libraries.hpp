// Internal: ProbLog's libraries written in the dialect itself (library(lists) and the built-in
// predicates ProbLog defines in Prolog, e.g. forall/2), parsed once into Programs.
#pragma once

#include <string_view>

#include "symnas/logic/program.hpp"

namespace symnas::logic {

/// library(lists): loaded by `:- use_module(library(lists)).`
const Program& ListsLibrary();
/// Built-in predicates written as clauses (forall/2, plus/3): always available, after the
/// user's clauses and the loaded libraries.
const Program& PreludeLibrary();
/// True for the file names the libraries' clauses carry ("library(...)"), never printed.
bool IsLibraryFile(std::string_view file_name);

}  // namespace symnas::logic
