# symnas's bridge to Python externals (ProbLog's `problog.extern`): `symnas prob` starts it for a
# program that loads a .py module and sends JSON lines on stdin; it answers JSON lines on stdout.
# Requests: {"op": "load", "path": P} -> {"ok": true, "functions": [{"name", "kind", "in", "out"}]}
#           {"op": "call", "name": N, "args": [...]} -> {"ok": true, "results": [[...], ...]}
# Errors: {"ok": false, "error": ExceptionClass, "message": M, "where": "file:line"}.
# Values: int, float, str (an atom), list, {"f": functor, "args": [...]}, null (unbound).
import importlib.util
import json
import os
import sys
import traceback
import types

_OUT = sys.stdout
sys.stdout = sys.stderr  # a user's print() must not break the protocol

FUNCTIONS = {}  # "name/arity" -> (kind, input types, output types, function)
EXPORTED = []  # the keys the module being loaded exports
TYPES = ("int", "float", "str", "list", "term", "obj")


class Term(object):
    """A compound term (or an atom with no args) passed with the `term` type."""

    def __init__(self, functor, *args):
        self.functor = functor
        self.args = list(args)

    def __str__(self):
        if not self.args:
            return str(self.functor)
        return "%s(%s)" % (self.functor, ",".join(map(str, self.args)))

    __repr__ = __str__

    def __eq__(self, other):
        return isinstance(other, Term) and (self.functor, self.args) == (other.functor, other.args)

    def __hash__(self):
        return hash((self.functor, len(self.args)))


def _exporter(kind):
    class export(object):
        database = None

        def __init__(self, *signature, **kwargs):
            for a in signature:
                if a[:1] not in "+-" or a[1:] not in TYPES:
                    raise ValueError("Unknown type specifier '%s'!" % a)
            if kind == "raw":
                self.inputs, self.outputs = [a[1:] for a in signature], []
            else:
                self.inputs = [a[1:] for a in signature if a[0] == "+"]
                self.outputs = [a[1:] for a in signature if a[0] == "-"]
            self.functor = kwargs.get("functor")

        def __call__(self, func, funcname=None, modname=None):
            name = funcname or self.functor or func.__name__
            key = "%s/%d" % (name, len(self.inputs) + len(self.outputs))
            FUNCTIONS[key] = (kind, self.inputs, self.outputs, func)
            EXPORTED.append(key)
            return func

    return export


def _install_stub():
    problog = types.ModuleType("problog")
    extern = types.ModuleType("problog.extern")
    extern.problog_export = _exporter("det")
    extern.problog_export_nondet = _exporter("nondet")
    extern.problog_export_raw = _exporter("raw")
    logic = types.ModuleType("problog.logic")
    logic.Term = Term
    problog.extern, problog.logic = extern, logic
    sys.modules.update({"problog": problog, "problog.extern": extern, "problog.logic": logic})


def _decode(v, t):
    # A JSON value from symnas -> the Python value ProbLog's _convert_input gives for type t.
    if t == "str":
        return v.strip('"') if isinstance(v, str) else str(_decode(v, "term"))
    if t == "int":
        return int(v)
    if t == "float":
        return float(v)
    if isinstance(v, list):
        return [_decode(x, "term") for x in v]
    if isinstance(v, dict):
        return Term(v["f"], *[_decode(x, "term") for x in v["args"]])
    if isinstance(v, str) and t in ("term", "obj"):
        return Term(v)
    return v


def _encode(v):
    # A Python value returned by an external -> JSON (ProbLog's _convert_output: str -> atom).
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [_encode(x) for x in v]
    if isinstance(v, Term):
        if not v.args:
            return str(v.functor)
        return {"f": str(v.functor), "args": [_encode(x) for x in v.args]}
    return str(v)


def _load(path):
    name = os.path.splitext(os.path.basename(path))[0]
    sys.path.insert(0, os.path.dirname(path))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    del EXPORTED[:]
    spec.loader.exec_module(module)
    return [
        {"name": k.rsplit("/", 1)[0], "kind": FUNCTIONS[k][0], "in": FUNCTIONS[k][1],
         "out": FUNCTIONS[k][2]}
        for k in dict.fromkeys(EXPORTED)
    ]


def _call(name, args):
    if name not in FUNCTIONS:
        raise LookupError("%s is not loaded in this Python (it was restarted)" % name)
    kind, inputs, outputs, func = FUNCTIONS[name]
    if kind == "raw":
        converted = [None if a is None else _decode(a, t) for a, t in zip(args, inputs)]
        return [[_encode(x) for x in row] for row in func(*converted)]
    converted = [_decode(a, t) for a, t in zip(args, inputs)]
    rows = func(*converted) if kind == "nondet" else [func(*converted)]
    out = []
    for r in rows:
        r = [r] if len(outputs) == 1 else list(r)
        if len(r) != len(outputs):
            raise TypeError("%s returned %d values for %d outputs" % (name, len(r), len(outputs)))
        out.append([_encode(x) for x in r])
    return out


def _where(exc):
    frames = traceback.extract_tb(exc.__traceback__)
    return "%s:%d" % (frames[-1].filename, frames[-1].lineno) if frames else ""


def main():
    _install_stub()
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["op"] == "load":
                answer = {"ok": True, "functions": _load(request["path"])}
            else:
                answer = {"ok": True, "results": _call(request["name"], request["args"])}
        except BaseException as exc:  # reported to symnas as an error of the call
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            answer = {"ok": False, "error": type(exc).__name__, "message": str(exc),
                      "where": _where(exc)}
        _OUT.write(json.dumps(answer) + "\n")
        _OUT.flush()


main()
