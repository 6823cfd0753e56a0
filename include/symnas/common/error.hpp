// The one error hierarchy of symnas: every error that ends a command derives from symnas::Error,
// carries a class name (ProbLog's names for logic errors) and, where there is one, a location.
#pragma once

#include <stdexcept>
#include <string>

namespace symnas {

/// Where in a user's file an error was found; line/column are 1-based, 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  /// True when at least a file or a line is known.
  bool Known() const { return !file.empty() || line > 0; }
  /// "file:line:col", "file:line", "line:col" or "file", whatever is known.
  std::string ToString() const;
};

/// Base of every symnas error. what() is the full "Class: message at file:line:col" text.
class Error : public std::runtime_error {
 public:
  Error(std::string class_name, std::string message, SourceLocation location = {});

  /// The error class as shown to users, e.g. "ConfigError" or "ParseError".
  const std::string& class_name() const { return class_name_; }
  /// The message alone, without class or location.
  const std::string& message() const { return message_; }
  const SourceLocation& location() const { return location_; }

 private:
  std::string class_name_;
  std::string message_;
  SourceLocation location_;
};

/// A study config, option or search-space declaration is wrong.
class ConfigError : public Error {
 public:
  explicit ConfigError(std::string message, SourceLocation location = {})
      : Error("ConfigError", std::move(message), std::move(location)) {}
};

/// A dataset file is missing, truncated or malformed.
class DatasetError : public Error {
 public:
  explicit DatasetError(std::string message, SourceLocation location = {})
      : Error("DatasetError", std::move(message), std::move(location)) {}
};

/// The study store (SQLite file or PostgreSQL database) cannot be opened, read or written.
class StoreError : public Error {
 public:
  explicit StoreError(std::string message, SourceLocation location = {})
      : Error("StoreError", std::move(message), std::move(location)) {}

 protected:
  StoreError(std::string class_name, std::string message, SourceLocation location)
      : Error(std::move(class_name), std::move(message), std::move(location)) {}
};

/// The store is there but out of reach for now (a file locked beyond the busy timeout, a lost
/// database connection); the call's transaction was rolled back whole. Workers retry.
class StoreUnavailableError : public StoreError {
 public:
  explicit StoreUnavailableError(std::string message)
      : StoreError("StoreUnavailableError", std::move(message), {}) {}
};

/// A network description is invalid (negative size, map shrunk below 1x1, unknown activation).
class ArchError : public Error {
 public:
  explicit ArchError(std::string message, SourceLocation location = {})
      : Error("ArchError", std::move(message), std::move(location)) {}
};

/// A name looked up in a registry (strategy, action, estimator, device, command) is unknown.
class UnknownNameError : public Error {
 public:
  explicit UnknownNameError(std::string message, SourceLocation location = {})
      : Error("UnknownNameError", std::move(message), std::move(location)) {}
};

/// Builds "unknown <kind> 'name'; valid names: a, b, c" for registry look-ups.
std::string UnknownNameMessage(const std::string& kind, const std::string& name,
                               const std::string& valid_names_comma_separated);

}  // namespace symnas
