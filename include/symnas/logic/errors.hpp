// The logic engine's error classes: ProbLog's names, each a symnas::Error with a source location.
#pragma once

#include <string>

#include "symnas/common/error.hpp"

namespace symnas::logic {

/// Malformed program text (ProbLog's ParseError); location is file:line:col of the bad token.
class ParseError : public Error {
 public:
  explicit ParseError(std::string message, SourceLocation location = {},
                      std::string class_name = "ParseError")
      : Error(std::move(class_name), std::move(message), std::move(location)) {}
};

/// An opening bracket without its closing partner (a ParseError subclass in ProbLog).
class UnmatchedCharacter : public ParseError {
 public:
  explicit UnmatchedCharacter(std::string message, SourceLocation location = {})
      : ParseError(std::move(message), std::move(location), "UnmatchedCharacter") {}
};

/// A character the dialect does not accept, e.g. braces (a ParseError subclass in ProbLog).
class UnexpectedCharacter : public ParseError {
 public:
  explicit UnexpectedCharacter(std::string message, SourceLocation location = {})
      : ParseError(std::move(message), std::move(location), "UnexpectedCharacter") {}
};

/// A goal calls a predicate that has no clauses at all (typo, missing library).
class UnknownClause : public Error {
 public:
  explicit UnknownClause(std::string message, SourceLocation location = {})
      : Error("UnknownClause", std::move(message), std::move(location)) {}
};

/// A probabilistic clause is used with variables still unbound after its body succeeded.
class NonGroundProbabilisticClause : public Error {
 public:
  explicit NonGroundProbabilisticClause(std::string message, SourceLocation location = {})
      : Error("NonGroundProbabilisticClause", std::move(message), std::move(location)) {}
};

/// Evidence that cannot hold: contradictory, on an unprovable atom, or of probability 0.
class InconsistentEvidenceError : public Error {
 public:
  explicit InconsistentEvidenceError(std::string message, SourceLocation location = {})
      : Error("InconsistentEvidenceError", std::move(message), std::move(location)) {}
};

/// A query answer is probabilistic but still contains variables after grounding.
class NonGroundQuery : public Error {
 public:
  explicit NonGroundQuery(std::string message, SourceLocation location = {})
      : Error("NonGroundQuery", std::move(message), std::move(location)) {}
};

/// A probability outside [0, 1], or an annotated disjunction whose probabilities sum above 1
/// (ProbLog's InvalidValue; ProbLog accepts the second and answers as if it were not).
class InvalidValue : public Error {
 public:
  explicit InvalidValue(std::string message, SourceLocation location = {})
      : Error("InvalidValue", std::move(message), std::move(location)) {}
};

/// An inference ran over its time or memory limit (ResourceLimits); class TimeLimitExceeded or
/// MemoryLimitExceeded.
class LimitExceeded : public Error {
 public:
  LimitExceeded(std::string message, std::string class_name)
      : Error(std::move(class_name), std::move(message)) {}
};

/// Any other failure while grounding or evaluating: type errors in arithmetic, unbound goals,
/// negation through a cycle (class names follow ProbLog: ArithmeticError, InstantiationError,
/// NegativeCycle, GroundingError, AccessError).
class GroundingError : public Error {
 public:
  explicit GroundingError(std::string message, SourceLocation location = {},
                          std::string class_name = "GroundingError")
      : Error(std::move(class_name), std::move(message), std::move(location)) {}
};

/// Throws GroundingError (class RecursionTooDeep) when the thread's stack is nearly used up: the
/// proof, formula or diagram is deeper than this engine can follow. `what` names the stage.
void CheckStack(const char* what, const SourceLocation& where = {});

}  // namespace symnas::logic
