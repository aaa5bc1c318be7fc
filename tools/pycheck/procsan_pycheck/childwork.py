"""What a child process leaves behind: a summary of the code a Process runs.

mp-unchecked-child-status (processes.py) asks whether anything depends on how a child ended.
When everything the child does that outlives it is output (print, logging, sys.stdout) or nothing
(sleeping, reading its arguments, taking from a queue, computing into its own locals), there is
no result to lose: a child that raised prints its own traceback (Process._bootstrap), and nothing
the parent goes on with is missing. This module reads the target -- a function of the file, or a
Process subclass's run(), or a function of a module next to the analyzed file, which is how a
script imports its helpers (`from helpers import work`) -- and the functions and methods of that
file it calls (three calls deep), and says which of these it may do:

- "effect": something that outlives the child other than output: a write through a parameter,
  `self`, a global or an alias of one (`out.append(x)`, `self.total = x`, `q.put(x)`,
  `event.set()`), a `global` statement, an assertion (the child's verdict is the result), a
  database or network write (`execute`, `commit`, `post`), or a call of unknown code whose value
  is thrown away (it is called for what it does);
- "file": a file written (`open(path, "w")`, `.save()`, `.write()`, `json.dump`, `os.remove`,
  a subprocess);
- "output": printed or logged something.

A target this module cannot read (imported from elsewhere, a lambda, a bound method, a subclass
without run()) has no summary: the rule then assumes the worst.

An empty set of effects means output only. Unknown code whose value is kept in a local
(`model = Word2Vec.load(path)`) counts as computing, and a method called on a local the function
made itself (`index.load(path)`, `rows.append(r)`) stays in the child; one of the write-like
names below does not, whatever the object.
"""
import ast
import os

from .lifetimes import walk_code

_MAX_DEPTH = 3
_OUTPUT = {"print", "pprint", "pprint.pprint", "sys.stdout.write", "sys.stderr.write",
           "sys.stdout.flush", "sys.stderr.flush", "warnings.warn", "traceback.print_exc",
           "traceback.print_exception", "traceback.print_stack"}
_LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
# Calls with no lasting effect even when their value is thrown away.
_NEUTRAL = {"time.sleep", "sleep", "random.seed", "np.random.seed", "numpy.random.seed",
            "torch.manual_seed", "gc.collect", "current_process", "os.getpid", "os.getppid",
            "multiprocessing.current_process", "mp.current_process", "len", "range", "str",
            "repr", "int", "float", "bool", "abs", "round", "min", "max", "sum", "sorted",
            "enumerate", "zip", "hasattr", "getattr", "isinstance", "list", "dict", "set",
            "tuple", "format", "iter", "next", "any", "all", "map", "filter", "id", "type"}
# Methods that only read the object they are called on (a queue, an Event, a string, a dict).
_READS = {"get", "get_nowait", "recv", "recv_bytes", "recv_bytes_into", "poll", "empty",
          "qsize", "full", "is_set", "wait", "acquire", "release", "is_alive", "keys", "values",
          "items", "copy", "format", "split", "strip", "lstrip", "rstrip", "lower", "upper",
          "startswith", "endswith", "count", "index", "find", "encode", "decode", "join",
          "get_lock", "__enter__", "__exit__"}
# Methods and functions that write a file, whatever they are called on.
_FILE_METHODS = {"write", "writelines", "save", "save_pretrained", "savefig", "dump", "to_csv",
                 "to_json", "to_parquet", "to_pickle", "to_excel", "to_hdf", "write_text",
                 "write_bytes", "touch", "mkdir", "unlink", "rename", "replace", "rmdir",
                 "savez", "savetxt", "tofile", "save_model", "save_state"}
_FILE_FUNCTIONS = {"os.remove", "os.unlink", "os.rename", "os.replace", "os.makedirs",
                   "os.mkdir", "os.rmdir", "os.system", "os.truncate", "shutil.copy",
                   "shutil.copyfile", "shutil.copy2", "shutil.copytree", "shutil.move",
                   "shutil.rmtree", "json.dump", "pickle.dump", "np.save", "numpy.save",
                   "torch.save", "joblib.dump", "yaml.dump", "subprocess.run",
                   "subprocess.call", "subprocess.check_call", "subprocess.check_output",
                   "subprocess.Popen"}
# Writes to a database or a remote service, whatever they are called on.
_REMOTE = {"execute", "executemany", "executescript", "commit", "post", "patch", "delete",
           "upload", "upload_file", "publish", "insert_one", "insert_many", "update_one",
           "update_many", "delete_one", "delete_many", "bulk_write", "urlopen"}
# Writes that reach another process: the result a parent or a sibling reads.
_SENDS = {"put", "put_nowait", "send", "send_bytes", "sendall", "sendto", "set", "notify",
          "notify_all", "append", "extend", "insert", "update", "add", "pop", "remove",
          "clear", "setdefault", "__setitem__"}


def _dotted(e):
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, ast.Attribute):
        base = _dotted(e.value)
        return base + "." + e.attr if base else ""
    return ""


def _root(e):
    """The name an expression reads an object through (`a` of `a.b[0].c`), or None."""
    while isinstance(e, (ast.Attribute, ast.Subscript, ast.Starred)):
        e = e.value
    return e.id if isinstance(e, ast.Name) else None


def _params(fn):
    a = fn.args
    ps = getattr(a, "posonlyargs", []) + a.args + a.kwonlyargs
    ps += [x for x in (a.vararg, a.kwarg) if x is not None]
    return [p.arg for p in ps]


def _stores(target):
    """The names an assignment target binds (or writes through)."""
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]


def imported_names(module):
    """Names bound by an import anywhere in the module: calls through them are library calls."""
    out = set()
    for n in ast.walk(module):
        if isinstance(n, ast.Import):
            for a in n.names:
                out.add(a.asname or a.name.split(".")[0])
        elif isinstance(n, ast.ImportFrom):
            for a in n.names:
                out.add(a.asname or a.name)
    return out


class ChildWork:
    """Summaries of the functions of one module, as code a child runs."""

    def __init__(self, tree):
        self.tree = tree  # lifetimes.Tree: parents of the module's nodes
        module = tree.module
        self.helpers = {s.name: s for s in module.body
                        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self.imported = imported_names(module)
        self._active = set()

    def function(self, fn, cls=None, depth=0):
        """The kinds of lasting effect fn may have ({"effect", "file", "output"}); cls: the
        ClassInfo whose method fn is (its `self.m()` calls are followed)."""
        if id(fn) in self._active:
            return set()
        self._active.add(id(fn))
        try:
            return self._function(fn, cls, depth)
        finally:
            self._active.discard(id(fn))

    def _function(self, fn, cls, depth):
        kinds = set()
        params = _params(fn)
        me = params[0] if cls is not None and params else None
        fresh = self._fresh(fn, params)
        for n in walk_code(fn.body):
            if isinstance(n, (ast.Global, ast.Nonlocal, ast.Assert, ast.Yield, ast.YieldFrom,
                              ast.Await)):
                kinds.add("effect")
            elif isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                targets = n.targets if isinstance(n, (ast.Assign, ast.Delete)) else [n.target]
                for t in targets:
                    for x in ast.walk(t):
                        if isinstance(x, (ast.Attribute, ast.Subscript)) and \
                                isinstance(x.ctx, (ast.Store, ast.Del)) and \
                                _root(x) not in fresh:
                            kinds.add("effect")
            elif isinstance(n, ast.Call):
                kinds |= self._call(n, fn, cls, me, fresh, depth)
        return kinds

    def _fresh(self, fn, params):
        """Locals that hold only objects the function made: not parameters, globals, or aliases
        of them (`x = self.items`, `for item in items:`)."""
        declared = {x for n in walk_code(fn.body) if isinstance(n, (ast.Global, ast.Nonlocal))
                    for x in n.names}
        binds = []  # (names, value expression or None)
        for n in walk_code(fn.body):
            if isinstance(n, ast.Assign):
                for t in n.targets:
                    binds.append((_stores(t), n.value))
            elif isinstance(n, (ast.AnnAssign, ast.AugAssign)) and n.value is not None:
                binds.append((_stores(n.target), n.value))
            elif isinstance(n, (ast.For, ast.AsyncFor, ast.comprehension)):
                binds.append((_stores(n.target), n.iter))
            elif isinstance(n, ast.withitem) and n.optional_vars is not None:
                binds.append((_stores(n.optional_vars), n.context_expr))
            elif isinstance(n, ast.NamedExpr):
                binds.append((_stores(n.target), n.value))
            elif isinstance(n, ast.ExceptHandler) and n.name:
                binds.append(([n.name], None))
        fresh = {x for names, _ in binds for x in names} - declared - set(params)
        changed = True
        while changed:
            changed = False
            for names, value in binds:
                if value is None or not any(x in fresh for x in names):
                    continue
                if any(r not in fresh for r in self._value_roots(value)):
                    fresh -= set(names)
                    changed = True
        return fresh

    @staticmethod
    def _value_roots(e):
        """The names whose objects a value may be (or hold): an alias, not a new object."""
        if isinstance(e, (ast.Name, ast.Attribute, ast.Subscript, ast.Starred)):
            r = _root(e)
            return [r] if r else []
        if isinstance(e, (ast.Tuple, ast.List)):
            return [r for x in e.elts for r in ChildWork._value_roots(x)]
        if isinstance(e, ast.IfExp):
            return ChildWork._value_roots(e.body) + ChildWork._value_roots(e.orelse)
        if isinstance(e, ast.BoolOp):
            return [r for x in e.values for r in ChildWork._value_roots(x)]
        if isinstance(e, ast.NamedExpr):
            return ChildWork._value_roots(e.value)
        if isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id in (
                "enumerate", "zip", "reversed", "iter", "sorted", "list", "tuple", "filter"):
            return [r for x in e.args for r in ChildWork._value_roots(x)]
        return []  # a call's result, a literal, arithmetic: a new object

    def _call(self, n, fn, cls, me, fresh, depth):
        f = n.func
        name = _dotted(f)
        kept = not isinstance(self.tree.parent.get(n), ast.Expr)
        if name in _OUTPUT or (isinstance(f, ast.Attribute) and f.attr in _LOG_METHODS
                               and "log" in _dotted(f.value).lower()):
            return {"output"}
        if name in _FILE_FUNCTIONS:
            return {"effect", "file"}
        if isinstance(f, ast.Name):
            if f.id == "open" or f.id in ("io.open", "codecs.open"):
                return {"effect", "file"} if self._writes(n) else set()
            if f.id in self.helpers and f.id not in fresh and f.id not in _params(fn):
                if depth >= _MAX_DEPTH:
                    return {"effect"}
                return self.function(self.helpers[f.id], None, depth + 1)
            if f.id in _NEUTRAL:
                return set()
            if f.id in _REMOTE:
                return {"effect"}
            return set() if kept else {"effect"}
        if not isinstance(f, ast.Attribute):
            return set() if kept else {"effect"}  # a call's result called
        if f.attr in _FILE_METHODS:
            return {"effect", "file"}
        if f.attr in _REMOTE:
            return {"effect"}
        if name in _NEUTRAL:
            return set()
        root = _root(f.value)
        if me is not None and isinstance(f.value, ast.Name) and f.value.id == me:
            m = _method(cls, f.attr)
            if m is not None:
                if depth >= _MAX_DEPTH:
                    return {"effect"}
                return self.function(m, cls, depth + 1)
        if root is None:
            # A method of a literal or of a call's result: `"-".join(...)`, `f().items()`.
            if isinstance(f.value, ast.Constant) or f.attr in _READS:
                return set()
            return set() if kept and f.attr not in _SENDS else {"effect"}
        if root in fresh:
            return set()  # an object the function made stays in the child
        if f.attr in _READS:
            return set()
        if root in self.imported and root not in _params(fn) and f.attr not in _SENDS:
            return set() if kept else {"effect"}  # a library function: kept is computed
        return {"effect"}  # a parameter's, self's or a global's method: it may write through

    @staticmethod
    def _writes(call):
        mode = call.args[1] if len(call.args) > 1 else next(
            (k.value for k in call.keywords if k.arg == "mode"), None)
        if mode is None:
            return False
        if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
            return any(c in mode.value for c in "wax+")
        return True


def _method(cls, name, depth=0):
    """The def of method name in cls or its bases of this file."""
    if cls is None or depth > 8:
        return None
    m = cls.methods.get(name)
    if m is not None:
        return m
    from .model import ClassInfo
    for b in cls.bases():
        if isinstance(b, ClassInfo) and b is not cls:
            m = _method(b, name, depth + 1)
            if m is not None:
                return m
    return None


def run_method(cls):
    return _method(cls, "run")


_SIBLINGS = {}  # path -> (ChildWork, {name: def}) or None


def sibling_function(tree, qual):
    """The module-level def a qualified name of an import means when the module is a file next to
    the analyzed one (`from helpers import work` in a script: the script's directory is first on
    sys.path), with a ChildWork for its module; (None, None) otherwise."""
    path = getattr(tree.module, "_procsan_path", None)
    if not path or "." not in qual:
        return None, None
    modname, name = qual.rsplit(".", 1)
    candidate = os.path.join(os.path.dirname(os.path.abspath(path)),
                             *modname.split(".")) + ".py"
    if candidate not in _SIBLINGS:
        _SIBLINGS[candidate] = None
        try:
            with open(candidate, "rb") as f:
                module = ast.parse(f.read(), candidate)
        except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
            module = None
        if module is not None:
            from .lifetimes import Tree
            work = ChildWork(Tree(module))
            _SIBLINGS[candidate] = (work, work.helpers)
    found = _SIBLINGS[candidate]
    if found is None or name not in found[1]:
        return None, None
    return found[0], found[1][name]
