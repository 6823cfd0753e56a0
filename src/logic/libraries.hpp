// Internal: ProbLog's libraries written in the dialect itself (library(lists) and the built-in
// predicates ProbLog defines in Prolog, e.g. forall/2), parsed once into Programs.
#pragma once

#include <string>
#include <string_view>

#include "symnas/logic/program.hpp"

namespace symnas::logic {

/// library(lists): loaded by `:- use_module(library(lists)).`
const Program& ListsLibrary();
/// Built-in predicates written as clauses (forall/2, plus/3): always available, after the
/// user's clauses and the loaded libraries.
const Program& PreludeLibrary();
/// The text of a library loaded by `:- use_module(library(name)).` as clauses ("" if none).
std::string_view LibraryText(std::string_view name);
/// The names accepted by use_module(library(...)), for error messages.
std::string LibraryNames();
/// True for the file names the libraries' clauses carry ("library(...)"), never printed.
bool IsLibraryFile(std::string_view file_name);

}  // namespace symnas::logic
