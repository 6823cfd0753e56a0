// Internal: Python externals (ProbLog's problog.extern): `:- use_module('lib.py').` loads the
// module in one Python process per symnas process (python_bridge.cpp running python_bridge.py)
// and its functions become predicates that the grounder calls (CallExtern, externs.cpp).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "machine.hpp"
#include "symnas/common/error.hpp"

namespace symnas::logic {

/// One function a module exported with problog_export / problog_export_nondet / _raw.
struct ExternFunction {
  enum class Kind { kDet, kNondet, kRaw };
  std::string name;
  Kind kind = Kind::kDet;
  std::vector<std::string> inputs;   ///< types of the + arguments (raw: of every argument)
  std::vector<std::string> outputs;  ///< types of the - arguments
  SourceLocation where;              ///< the use_module directive
  std::uint32_t arity() const { return static_cast<std::uint32_t>(inputs.size() + outputs.size()); }
};

/// Loads the Python module at `path` (starting Python on first use: $SYMNAS_PYTHON, else
/// /usr/bin/python3) and returns its exported functions. Throws ConfigError for a missing file
/// or a Python that cannot start, GroundingError (the Python exception's class) when importing
/// the module fails.
std::vector<ExternFunction> LoadPythonModule(const std::string& path, const SourceLocation& where);

/// Sends one request to the process-wide Python (python_bridge.py) and returns its answer.
/// Throws ConfigError when Python cannot start or exits.
nlohmann::json AskPython(const nlohmann::json& request, const SourceLocation& where);
/// Throws the error an answer reports: GroundingError of the Python exception's class.
void ThrowIfPythonError(const nlohmann::json& answer, const std::string& what,
                        const SourceLocation& where);

/// Calls `f` on `goal` (name/arity of f): checks the argument types as ProbLog's check_mode
/// (CallModeError), then runs k once per result whose outputs unify with the goal's arguments.
void CallExtern(Machine& m, const ExternFunction& f, const Term* goal, Cont k);

}  // namespace symnas::logic
