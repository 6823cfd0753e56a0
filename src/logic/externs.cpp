// Python externals: one Python process per symnas process (started on the first .py module)
// runs python_bridge.py; requests and answers are JSON lines over a socket pair. Terms go as
// JSON (ints, floats, atoms as strings, lists, {"f", "args"} compounds), as ProbLog's extern.py
// converts them.
#include "externs.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "symnas/logic/errors.hpp"

namespace symnas::logic {

std::string_view PythonBridgeScript();  // python_bridge.py, embedded (python_bridge_text.cpp.in)

namespace {

using nlohmann::json;

class PythonBridge {
 public:
  // The process-wide bridge, started on first use (and again after a Python that died).
  static PythonBridge& Get(const SourceLocation& where) {
    static std::mutex start;
    static std::unique_ptr<PythonBridge> bridge;
    std::lock_guard lock(start);
    if (!bridge || bridge->fd_ < 0) bridge.reset(new PythonBridge(where));
    return *bridge;
  }
  ~PythonBridge() {
    if (fd_ >= 0) close(fd_);  // Python reads the end of its input and exits
  }

  // Sends one request and returns its answer; a Python that died is a ConfigError.
  json Ask(const json& request, const SourceLocation& where) {
    std::lock_guard lock(mutex_);
    std::string line = request.dump() + "\n";
    for (std::size_t sent = 0; sent < line.size();) {
      ssize_t n = send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) Died(where);
      sent += static_cast<std::size_t>(n);
    }
    std::size_t end;
    while ((end = buffer_.find('\n')) == std::string::npos) {
      char chunk[4096];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) Died(where);
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    json answer = json::parse(buffer_.substr(0, end));
    buffer_.erase(0, end + 1);
    return answer;
  }

 private:
  explicit PythonBridge(const SourceLocation& where) {
    const char* env = std::getenv("SYMNAS_PYTHON");
    python_ = env && *env ? env : "/usr/bin/python3";
    if (access(python_.c_str(), X_OK) != 0) {
      throw ConfigError(
          "cannot run Python '" + python_ + "' for the program's Python module (set SYMNAS_PYTHON)",
          where);
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
      throw ConfigError("cannot create the pipe to Python", where);
    }
    std::string script(PythonBridgeScript());
    pid_ = fork();
    if (pid_ < 0) throw ConfigError("cannot start Python '" + python_ + "'", where);
    if (pid_ == 0) {
      dup2(sv[1], 0);
      dup2(sv[1], 1);
      execl(python_.c_str(), python_.c_str(), "-u", "-c", script.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(sv[1]);
    fd_ = sv[0];
  }

  [[noreturn]] void Died(const SourceLocation& where) {
    close(fd_);
    fd_ = -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    throw ConfigError("Python (" + python_ + ") running the program's Python module exited" +
                          (WIFEXITED(status) ? " with status " + std::to_string(WEXITSTATUS(status))
                                             : std::string(" on a signal")),
                      where);
  }

  std::mutex mutex_;
  std::string python_;
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string buffer_;
};

// An error answer -> GroundingError with the Python exception's class, as ProbLog raises it.
void ThrowIfError(const json& answer, const std::string& what, const SourceLocation& where) {
  if (answer.value("ok", false)) return;
  std::string message = what + ": " + answer.value("message", std::string());
  std::string in_python = answer.value("where", std::string());
  if (!in_python.empty()) message += " (at " + in_python + ")";
  throw GroundingError(message, where, answer.value("error", std::string("GroundingError")));
}

bool IsProperList(const Machine& m, const Term* t) {
  const Symbols& sym = Symbols::Get();
  for (t = m.Deref(t); t->Is(sym.dot, 2); t = m.Deref(t->args[1])) {
  }
  return t->IsAtom(sym.nil);
}

json Encode(const Machine& m, const Term* t) {
  const Symbols& sym = Symbols::Get();
  t = m.Deref(t);
  switch (t->kind) {
    case TermKind::kVar:
      return nullptr;
    case TermKind::kInt:
      return t->int_value;
    case TermKind::kFloat:
      return t->float_value;
    case TermKind::kAtom:
      return t->IsAtom(sym.nil) ? json::array() : json(*t->name);
    case TermKind::kCompound:
      break;
  }
  if (IsProperList(m, t)) {
    json items = json::array();
    for (; t->Is(sym.dot, 2); t = m.Deref(t->args[1])) items.push_back(Encode(m, t->args[0]));
    return items;
  }
  json args = json::array();
  for (std::uint32_t i = 0; i < t->arity; ++i) args.push_back(Encode(m, t->args[i]));
  return {{"f", *t->name}, {"args", std::move(args)}};
}

const Term* Decode(Machine& m, const json& v, const std::string& function,
                   const SourceLocation& where) {
  TermArena& arena = m.arena();
  if (v.is_number_integer()) return arena.Int(v.get<std::int64_t>());
  if (v.is_number_float()) return arena.Float(RoundFloat15(v.get<double>()));
  if (v.is_string()) return arena.Atom(v.get<std::string>());
  if (v.is_array()) {
    std::vector<const Term*> items;
    for (const json& x : v) items.push_back(Decode(m, x, function, where));
    return arena.List(items);
  }
  if (v.is_object() && v.contains("f") && v.contains("args")) {
    std::vector<const Term*> args;
    for (const json& x : v["args"]) args.push_back(Decode(m, x, function, where));
    return arena.Compound(Intern(v["f"].get<std::string>()), args);
  }
  throw GroundingError(
      "the Python external " + function + " returned " + v.dump() + ", which is not a term", where,
      "TypeError");
}

// ProbLog's mode_types for the type specifiers of problog_export ('v' when unbound is allowed).
bool Fits(const Machine& m, const Term* t, const std::string& type, bool may_be_unbound) {
  t = m.Deref(t);
  if (t->kind == TermKind::kVar) return may_be_unbound || type == "term";
  if (type == "int") return t->kind == TermKind::kInt;
  if (type == "float") return t->kind == TermKind::kFloat;
  if (type == "str") return t->kind == TermKind::kAtom;
  if (type == "list") return IsProperList(m, t);
  return true;  // term, obj
}

std::string ModeName(const std::string& type) {
  if (type == "int") return "integer";
  if (type == "str") return "string";
  if (type == "list") return "fixed_list";
  if (type == "term") return "any";
  return type == "obj" ? "object" : type;
}

}  // namespace

std::vector<ExternFunction> LoadPythonModule(const std::string& path, const SourceLocation& where) {
  if (!std::filesystem::exists(path)) {
    throw ConfigError("cannot find Python module '" + path + "'", where);
  }
  std::string absolute = std::filesystem::absolute(path).lexically_normal().string();
  json answer = PythonBridge::Get(where).Ask({{"op", "load"}, {"path", absolute}}, where);
  ThrowIfError(answer, "importing Python module '" + path + "' failed", where);
  std::vector<ExternFunction> functions;
  for (const json& f : answer["functions"]) {
    ExternFunction e;
    e.name = f["name"].get<std::string>();
    std::string kind = f["kind"].get<std::string>();
    e.kind = kind == "raw"
                 ? ExternFunction::Kind::kRaw
                 : (kind == "nondet" ? ExternFunction::Kind::kNondet : ExternFunction::Kind::kDet);
    e.inputs = f["in"].get<std::vector<std::string>>();
    e.outputs = f["out"].get<std::vector<std::string>>();
    e.where = where;
    functions.push_back(std::move(e));
  }
  return functions;
}

void CallExtern(Machine& m, const ExternFunction& f, const Term* goal, Cont k) {
  const std::string signature = f.name + "/" + std::to_string(f.arity());
  const bool raw = f.kind == ExternFunction::Kind::kRaw;
  json args = json::array();
  bool fits = true;
  std::string expected, received;
  for (std::uint32_t i = 0; i < goal->arity; ++i) {
    bool input = i < f.inputs.size();
    const std::string& type = input ? f.inputs[i] : f.outputs[i - f.inputs.size()];
    fits = fits && Fits(m, goal->args[i], type, raw || !input);
    expected += (i ? ", " : "") + ModeName(type) + (raw || !input ? " or var" : "");
    received += (i ? ", " : "") + ToString(m.Resolve(goal->args[i]));
    if (input) args.push_back(Encode(m, goal->args[i]));
  }
  if (!fits) {
    throw GroundingError("Invalid argument types for call to '" + signature + "': arguments: (" +
                             received + "), expected: (" + expected + ")",
                         m.where, "CallModeError");
  }
  json answer = PythonBridge::Get(m.where).Ask(
      {{"op", "call"}, {"name", signature}, {"args", std::move(args)}}, m.where);
  ThrowIfError(answer, "the Python external " + signature + " failed", m.where);
  // The outputs of each result (raw: every argument) unify with the goal's arguments.
  const std::size_t first = raw ? 0 : f.inputs.size();
  for (const json& row : answer["results"]) {
    if (!row.is_array() || row.size() != goal->arity - first) {
      throw GroundingError("the Python external " + signature + " returned " + row.dump() +
                               ", expected " + std::to_string(goal->arity - first) + " values",
                           m.where, "TypeError");
    }
    Machine::Mark mark = m.GetMark();
    bool ok = true;
    for (std::size_t i = 0; ok && i < row.size(); ++i) {
      ok = m.Unify(goal->args[first + i], Decode(m, row[i], signature, m.where));
    }
    if (ok) k();
    m.Undo(mark);
  }
}

}  // namespace symnas::logic
