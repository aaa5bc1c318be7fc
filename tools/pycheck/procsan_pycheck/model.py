"""What the names of a module mean, as far as multiprocessing is concerned.

A small abstract interpreter: it walks a module's statements in order, keeps one environment
per scope (module, function, class body) and evaluates expressions to abstract values -- the
multiprocessing module and its aliases, contexts with their start method, pools, processes,
queues, locks, open files, lambdas, functions and classes defined locally, tuples of those.
Anything else is None: unknown, and rules say nothing about unknowns (precision first).

The walk tells the rules about two kinds of events (rules.py):
- a call, with the callee's value and the arguments, and whether it runs while the module is
  imported (module level, or a function called from there) outside the __main__ guard;
- the end of the module, when the start method chosen by set_start_method() is known.
"""
import ast
import copy
import os

from .project import ImportRef, ProjectModule

# Start methods. DEFAULT: nothing chosen where the object was made, so the module's
# set_start_method() (or the platform's default) decides; UNKNOWN: chosen, not a literal.
DEFAULT = "default"
UNKNOWN = "unknown"
METHODS = ("fork", "spawn", "forkserver")

# Modules whose multiprocessing API is CPython's (torch re-exports it with extra reducers).
_MP_ALIASES = {"torch.multiprocessing": "multiprocessing"}

# Qualified names of what the rules care about, after normalization (_normalize).
POOL = {"multiprocessing.Pool", "multiprocessing.pool.Pool"}
PROCESS = {"multiprocessing.Process", "multiprocessing.process.BaseProcess"}
EXECUTOR = {"concurrent.futures.ProcessPoolExecutor"}
MANAGER_STARTED = {"multiprocessing.Manager"}
MANAGER_CLASSES = {"multiprocessing.managers.SyncManager", "multiprocessing.managers.BaseManager",
                   "multiprocessing.managers.SharedMemoryManager"}
MP_QUEUES = {"multiprocessing.Queue", "multiprocessing.JoinableQueue",
             "multiprocessing.SimpleQueue"}
MP_SYNC = {"multiprocessing." + n for n in ("Lock", "RLock", "Semaphore", "BoundedSemaphore",
                                            "Condition", "Event", "Barrier")}
THREAD_LOCKS = {"threading." + n for n in ("Lock", "RLock", "Condition", "Semaphore",
                                           "BoundedSemaphore", "Event", "Barrier")}
THREAD_LOCKS |= {"_thread.allocate_lock", "_thread.RLock", "threading._RLock"}
THREADS = {"threading.Thread", "threading.Timer"}
THREAD_EXECUTOR = "concurrent.futures.ThreadPoolExecutor"
OPENERS = {"builtins.open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open",
           "tempfile.TemporaryFile", "tempfile.NamedTemporaryFile"}
PARTIAL = {"functools.partial"}
# Shared ctypes objects (multiprocessing.sharedctypes): Value/Array carry a lock unless
# lock=False; RawValue/RawArray never do.
SHARED_CTYPES = {"multiprocessing." + n for n in ("Value", "Array", "RawValue", "RawArray")}
SHARED_MEMORY = "multiprocessing.shared_memory.SharedMemory"
SHAREABLE_LIST = "multiprocessing.shared_memory.ShareableList"
CONTEXT_CLASSES = {"multiprocessing.context.ForkContext": "fork",
                   "multiprocessing.context.SpawnContext": "spawn",
                   "multiprocessing.context.ForkServerContext": "forkserver"}


def _normalize(qual):
    for alias, real in _MP_ALIASES.items():
        if qual == alias or qual.startswith(alias + "."):
            qual = real + qual[len(alias):]
    # Where the public names live: multiprocessing.context.*, concurrent.futures.process.*.
    if qual.startswith("multiprocessing.context.") and qual not in CONTEXT_CLASSES:
        qual = "multiprocessing." + qual[len("multiprocessing.context."):]
    if qual.startswith("concurrent.futures.process."):
        qual = "concurrent.futures." + qual[len("concurrent.futures.process."):]
    if qual == "concurrent.futures.thread.ThreadPoolExecutor":
        qual = THREAD_EXECUTOR
    if qual in ("multiprocessing.synchronize.Lock", "multiprocessing.synchronize.RLock"):
        qual = "multiprocessing." + qual.rsplit(".", 1)[1]
    if qual.startswith("multiprocessing.sharedctypes."):
        qual = "multiprocessing." + qual[len("multiprocessing.sharedctypes."):]
    if qual.startswith("multiprocessing.queues."):
        qual = "multiprocessing." + qual[len("multiprocessing.queues."):]
    if qual in ("multiprocessing.SyncManager", "multiprocessing.managers.Manager"):
        qual = "multiprocessing.managers.SyncManager"
    return qual


class Value:
    """Base of abstract values; `node` is where the value was made (for notes)."""
    node = None


class Module(Value):
    def __init__(self, name):
        self.name = name


class Qual(Value):
    """A known callable or class by qualified name; method: the context it came from."""

    def __init__(self, qual, method=DEFAULT, context_node=None):
        self.qual = _normalize(qual)
        self.method = method
        self.context_node = context_node


class Context(Value):
    def __init__(self, method, node):
        self.method = method
        self.node = node


class Instance(Value):
    """An object made by a known constructor. kind: pool, process, executor, manager, queue,
    connection, mp-sync, thread-lock, file, proxy, shared-ctype (raw: made without a lock), thread,
    thread-executor."""

    def __init__(self, kind, qual, node, method=DEFAULT, started=True, context_node=None):
        self.kind = kind
        self.qual = qual
        self.node = node
        self.method = method
        self.started = started
        self.context_node = context_node
        self.raw = False


class Lambda(Value):
    def __init__(self, node):
        self.node = node


class Generator(Value):
    def __init__(self, node, function=None):
        self.node = node
        self.function = function  # the generator function called, if any


class Function(Value):
    """A def of this module. outer: the enclosing function's name (None at module level or in
    a module-level class); cls: the ClassInfo it is a method of; home: the Interpreter of the
    module that defines it (another module's, for a function imported from there)."""

    home = None

    def __init__(self, node, outer, cls, scope):
        self.node = node
        self.outer = outer
        self.cls = cls
        self.scope = scope  # where it was defined: its free names are looked up there
        self._generator = None

    @property
    def is_generator(self):
        if self._generator is None:
            self._generator = _is_generator(self.node)
        return self._generator


class ClassInfo(Value):
    def __init__(self, node, outer, scope, interp):
        self.node = node
        self.outer = outer  # enclosing function's name, or None
        self.scope = scope
        self.interp = interp
        self._bases = None
        self._attrs = None
        self.methods = {s.name: s for s in node.body
                        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self.custom_pickling = any(
            n in ("__getstate__", "__reduce__", "__reduce_ex__") for n in self._body_names())

    def _body_names(self):
        for s in self.node.body:
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield s.name
            elif isinstance(s, ast.Assign):
                for t in s.targets:
                    if isinstance(t, ast.Name):
                        yield t.id

    def bases(self):
        if self._bases is None:
            self._bases = [self.interp.evaluate(b, self.scope, quiet=True)
                           for b in self.node.bases]
        return self._bases

    def process_method(self, depth=0):
        """The start method if this class derives from Process, else None. Bounded: a name
        rebound to a class deriving from its old value makes the bases a cycle."""
        for b in self.bases():
            if isinstance(b, Qual) and b.qual in PROCESS:
                return b.method
            if isinstance(b, ClassInfo) and b is not self and depth < 8:
                m = b.process_method(depth + 1)
                if m is not None:
                    return m
        return None

    def thread_class(self, depth=0):
        """Whether this class derives from threading.Thread."""
        for b in self.bases():
            if isinstance(b, Qual) and b.qual in THREADS:
                return True
            if isinstance(b, ClassInfo) and b is not self and depth < 8 and b.thread_class(
                    depth + 1):
                return True
        return False

    def pickling_known(self, depth=0):
        """True when pickle saves this class's instances by their __dict__: every base is a
        class of this module (or object) and none defines __getstate__/__reduce__."""
        if self.custom_pickling or depth > 8:
            return False
        for b, expr in zip(self.bases(), self.node.bases):
            if isinstance(expr, ast.Name) and expr.id == "object":
                continue
            if not isinstance(b, ClassInfo) or not b.pickling_known(depth + 1):
                return False
        return not self.node.keywords  # a metaclass may pickle otherwise

    def attrs(self):
        """self.X = value in __init__: X -> (value, assignment node)."""
        if self._attrs is None:
            self._attrs = {}
            init = self.methods.get("__init__")
            if init is not None and init.args.args:
                me = init.args.args[0].arg
                scope = Scope(self.scope, "function")
                for node in ast.walk(init):
                    targets = []
                    if isinstance(node, ast.Assign):
                        targets, value = node.targets, node.value
                    elif isinstance(node, ast.AnnAssign) and node.value is not None:
                        targets, value = [node.target], node.value
                    for t in targets:
                        if (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                                and t.value.id == me):
                            v = self.interp.evaluate(value, scope, quiet=True)
                            if v is not None:
                                self._attrs[t.attr] = (v, node)
        return self._attrs


class Obj(Value):
    """An instance of a class of this module."""

    def __init__(self, cls, node):
        self.cls = cls
        self.node = node


class Bound(Value):
    """obj.name, a method of a known object."""

    def __init__(self, obj, name, node):
        self.obj = obj
        self.name = name
        self.node = node


class Seq(Value):
    """A tuple or list literal: items are (expression, value)."""

    def __init__(self, items, node):
        self.items = items
        self.node = node


class Many(Value):
    """A list of Processes or threads: made by a comprehension whose every element is one known
    object, or a list literal that `append`/`insert` filled with one (`jobs = []` ...
    `jobs.append(p)`): a loop over it binds its variable to that object."""

    def __init__(self, item, node):
        self.item = item
        self.node = node


def _runs_code(v):
    """A Process or a thread (an object of a subclass of the file included)."""
    if isinstance(v, Instance):
        return v.kind in ("process", "thread")
    if isinstance(v, Obj):
        return v.cls.process_method() is not None or v.cls.thread_class()
    return False


def element(v):
    """What a loop over v binds its variable to: the Process or thread a Many holds, or the first
    of a list literal's items when they all are Processes or threads (`for p in [p1, p2]:`)."""
    if isinstance(v, Many):
        return v.item
    if isinstance(v, Seq) and v.items and all(_runs_code(x) for _, x in v.items):
        return v.items[0][1]
    return None


class Partial(Value):
    def __init__(self, func, args, node):
        self.func = func  # (expression, value)
        self.args = args  # [(expression, value)]
        self.node = node


def _is_generator(fn):
    todo = list(fn.body)
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        todo.extend(ast.iter_child_nodes(n))
    return False


class Scope:
    def __init__(self, parent, kind, name=None):
        self.parent = parent
        self.kind = kind  # module, function, class
        self.name = name
        self.names = {}

    def lookup(self, name):
        s = self
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
            # Class bodies are not enclosing scopes of the functions defined in them.
            while s is not None and s.kind == "class" and s is not self:
                s = s.parent
        return None

    def function_name(self):
        s = self
        while s is not None:
            if s.kind == "function":
                return s.name
            s = s.parent
        return None


def is_main_guard(test):
    """`__name__ == "__main__"` (either side), or it as the first operand of `and`."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(is_main_guard(v) for v in test.values)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return (any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
            and any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides))


def is_not_main_guard(test):
    """`__name__ != "__main__"`: its else branch is the guarded one."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return is_main_guard(test.operand)
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1
            and isinstance(test.ops[0], ast.NotEq)):
        return False
    sides = [test.left, test.comparators[0]]
    return (any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
            and any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides))


class Call:
    """What a rule sees of a call: the callee's value, the arguments evaluated, where it runs."""

    def __init__(self, node, callee, args, kwargs, frame):
        self.node = node
        self.callee = callee
        self.args = args  # [(expression, value)], starred arguments left out
        self.kwargs = kwargs  # name -> (expression, value)
        self.frame = frame

    def arg(self, index, name):
        if name in self.kwargs:
            return self.kwargs[name]
        if index is not None and index < len(self.args):
            return self.args[index]
        return None


class Frame:
    """Where the walk is: the scope, whether the code runs while the module is imported outside
    the __main__ guard, and the calls from module level that led here (for notes). foreign: in
    a function of another module of the run called while this one is imported, the call in this
    module that led there (the rules hear of the calls there only as such)."""

    def __init__(self, scope, import_time, chain=(), foreign=None):
        self.scope = scope
        self.import_time = import_time
        self.chain = chain
        self.foreign = foreign


class Interpreter:
    """project: the run's modules (project.py), path: this module's file. summary: walk the
    module-level statements only, for what they bind (the module's summary, for the modules
    that import from it): no function body, and imported names of the run's modules kept as
    references."""

    def __init__(self, tree, listener, project=None, path=None, summary=False, interested=True):
        self.tree = tree
        self.listener = listener  # on_call(Call), on_with(node, value, frame), on_foreign_call
        self.module = Scope(None, "module")
        self.start_methods = []  # (method, node) of each set_start_method() call
        self.project = project
        self.path = os.path.realpath(path) if path else None
        self.summary = summary
        self.interested = interested  # the module's text may make processes (project.mp_text)
        self._lookups = not summary  # whether references to other modules are looked up
        self._returns = None  # the values of `return` statements, while returned() walks
        self._returned = {}  # id(def) -> what it returns
        self._functions_done = set()
        self._import_time_done = set()
        self._pending = []  # (Function, Frame factory) to walk after the module

    # -- statements ---------------------------------------------------------------------------

    def run(self):
        self.walk_block(self.tree.body, Frame(self.module, True))
        if self.summary:
            self._pending = []
            return
        # Every function body, as run later by whoever calls it (not while importing).
        while self._pending:
            fn, scope = self._pending.pop(0)
            self.walk_function(fn, Frame(scope, False))

    def walk_block(self, stmts, frame):
        for s in stmts:
            self.walk_stmt(s, frame)

    def walk_stmt(self, s, frame):
        ev = self.evaluate
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in s.decorator_list:
                ev(d, frame)
            for d in s.args.defaults + [d for d in s.args.kw_defaults if d is not None]:
                ev(d, frame)
            cls = frame.scope.name if frame.scope.kind == "class" else None
            fn = Function(s, frame.scope.function_name(), cls, frame.scope)
            fn.home = self
            if s.decorator_list and fn.outer is not None:
                frame.scope.names[s.name] = None  # the decorator's result: unknown
            else:
                frame.scope.names[s.name] = fn
            if frame.foreign is None:
                self._pending.append((fn, frame.scope))
        elif isinstance(s, ast.ClassDef):
            for b in s.bases:
                ev(b, frame)
            for d in s.decorator_list:
                ev(d, frame)
            info = ClassInfo(s, frame.scope.function_name(), frame.scope, self)
            body = Scope(frame.scope, "class", info)
            self.walk_block(s.body, Frame(body, frame.import_time, frame.chain, frame.foreign))
            frame.scope.names[s.name] = None if s.decorator_list else info
        elif isinstance(s, ast.Assign):
            v = ev(s.value, frame)
            for t in s.targets:
                self.bind(t, v, frame)
        elif isinstance(s, ast.AnnAssign):
            if s.value is not None:
                self.bind(s.target, ev(s.value, frame), frame)
        elif isinstance(s, ast.AugAssign):
            ev(s.value, frame)
            self.bind(s.target, None, frame)
        elif isinstance(s, (ast.Import, ast.ImportFrom)):
            self.bind_import(s, frame.scope)
        elif isinstance(s, ast.If):
            ev(s.test, frame)
            if is_main_guard(s.test):
                self.walk_block(s.body, Frame(frame.scope, False, frame.chain, frame.foreign))
                self.walk_block(s.orelse, frame)
            elif is_not_main_guard(s.test):
                self.walk_block(s.body, frame)
                self.walk_block(s.orelse, Frame(frame.scope, False, frame.chain, frame.foreign))
            else:
                self.walk_block(s.body, frame)
                self.walk_block(s.orelse, frame)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                v = ev(item.context_expr, frame)
                if frame.foreign is None:
                    self.listener.on_with(item, v, frame)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, v if _enters_as_itself(v) else None, frame)
            self.walk_block(s.body, frame)
        elif isinstance(s, (ast.For, ast.AsyncFor)):
            it = ev(s.iter, frame)
            self.bind(s.target, element(it), frame)
            self.walk_block(s.body, frame)
            self.walk_block(s.orelse, frame)
        else:
            # Expr, Return, While, Try, Match, Raise, ...: their expressions, then their blocks.
            for field in ("test", "value", "subject", "exc", "cause", "msg"):
                e = getattr(s, field, None)
                if isinstance(e, ast.expr):
                    v = ev(e, frame)
                    if isinstance(s, ast.Return) and self._returns is not None:
                        self._returns.append(v)
            for field in ("targets",):
                for t in getattr(s, field, None) or []:
                    ev(t, frame)
            handlers = getattr(s, "handlers", None) or []
            names = frame.scope.names
            before = dict(names) if handlers else None
            for field in ("body", "orelse", "finalbody"):
                self.walk_block(getattr(s, field, None) or [], frame)
            after = dict(names) if handlers else None
            for h in handlers:
                if h.name:
                    frame.scope.names[h.name] = None
                self.walk_block(h.body, frame)
            if handlers:
                # A name the try binds one way and a handler another (`try: import multiprocess
                # as mp` / `except ImportError: import multiprocessing as mp`): either, so
                # unknown.
                for name, v in list(names.items()):
                    if name in after and after[name] is not before.get(name) and \
                            v is not after[name]:
                        names[name] = None
            for c in getattr(s, "cases", None) or []:
                self.walk_block(c.body, frame)

    def walk_function(self, fn, frame, self_value=None):
        scope = Scope(frame.scope, "function", fn.node.name)
        args = fn.node.args
        params = getattr(args, "posonlyargs", []) + args.args + args.kwonlyargs
        params += [a for a in (args.vararg, args.kwarg) if a is not None]
        for a in params:
            scope.names[a.arg] = None
        if fn.cls is not None and params and not _is_static(fn.node):
            first = (getattr(args, "posonlyargs", []) + args.args)
            if first and not _is_classmethod(fn.node):
                scope.names[first[0].arg] = self_value or Obj(fn.cls, fn.node)
        self.walk_block(fn.node.body, Frame(scope, frame.import_time, frame.chain,
                                            frame.foreign))

    def call_at_import(self, fn, call_node, frame, self_value=None):
        """A function of this module (or of another module of the run) called while the module
        is imported: its body runs now."""
        key = id(fn.node)
        if key in self._import_time_done or len(frame.chain) > 8:
            return
        self._import_time_done.add(key)
        foreign = frame.foreign
        if foreign is None and fn.home is not None and fn.home is not self:
            foreign = call_node
        self.walk_function(fn, Frame(fn.scope, True, frame.chain + (call_node,), foreign),
                           self_value)

    def returned(self, fn, lookups):
        """What a function returns, read from its body with its parameters unknown: the value of
        its `return` statements when they all agree on one known value's kind, else None.
        lookups: whether names imported from other modules are looked up. Not while a summary is
        made (a module-level `x = make()`), so that it depends on its own file only, whatever
        module was summarized first; yes for a caller in another module, once every summary it
        may need can be made on its own."""
        key = (id(fn.node), lookups)
        if key in self._returned:
            return self._returned[key]
        self._returned[key] = None  # recursion
        saved = (self.listener, self._pending, self.start_methods, self._returns, self._lookups)
        from .project import NullListener
        self.listener, self._pending, self.start_methods = NullListener(), [], []
        self._returns, self._lookups = [], lookups and self.project is not None
        try:
            self.walk_function(fn, Frame(fn.scope, False))
            values = self._returns
        finally:
            (self.listener, self._pending, self.start_methods, self._returns,
             self._lookups) = saved
        v = None
        if values and all(x is not None and type(x) is type(values[0]) for x in values):
            if not isinstance(values[0], Instance) or all(x.kind == values[0].kind
                                                          for x in values):
                v = values[0]
        self._returned[key] = v
        return v

    def resolve(self, v, depth=0):
        """A reference to a name of another module of the run: its value there (None: unknown,
        or not a module of the run)."""
        while isinstance(v, ImportRef) and depth < 8:
            s = self.project.summary(v.path, self.interested)
            if s is None:
                return None
            v = s.interp.module.names.get(v.name)
            depth += 1
        return None if isinstance(v, ImportRef) else v

    def _foreign_result(self, call, fn):
        """The value a call of a function of another module of the run returns. An object made
        there belongs to the caller: it is made, for the rules, at this call."""
        v = fn.home.returned(fn, True)
        if isinstance(v, Instance) and v.kind in _OWNED:
            if not _within(v.node, fn.node) or not _hands_over_fresh(fn.node):
                return None  # made once and kept (a module's pool handed out), or ended there
            made = v
            v = copy.copy(v)
            v.node = call.node
            v.made_in = (fn.node.name, made.node)
        return v

    # -- bindings -----------------------------------------------------------------------------

    def bind(self, target, value, frame):
        if isinstance(target, ast.Name):
            frame.scope.names[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = value.items if isinstance(value, Seq) else None
            if items is not None and len(items) != len(target.elts):
                items = None
            for i, t in enumerate(target.elts):
                self.bind(t, items[i][1] if items else None, frame)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, None, frame)
        else:
            self.evaluate(target, frame)

    def _run_module(self, name):
        """The run's module `name` as this file imports it (ProjectModule), or None."""
        p = self.project
        if p is None or p.known(name):
            return None
        if p.module(self.path, name) is not None or p._namespace(self.path, name):
            return ProjectModule(name, self.path)
        return None

    def bind_import(self, s, scope):
        if isinstance(s, ast.Import):
            for a in s.names:
                name = a.name if a.asname else a.name.split(".")[0]
                mod = self._run_module(name)
                scope.names[a.asname or name] = mod if mod is not None else Module(name)
            return
        if s.level:  # relative imports: this package's modules, when they are in the run
            base = self.project.absolute(self.path, s.level, s.module) if self.project else None
            for a in s.names:
                if a.name == "*":
                    continue
                v = self.project.member(self.path, base, a.name) if base else None
                scope.names[a.asname or a.name] = v
            return
        mod = self._run_module(s.module) if s.module else None
        for a in s.names:
            if a.name == "*":
                continue
            if mod is not None:
                v = self.project.member(self.path, s.module, a.name)
            else:
                v = _member(Module(s.module), a.name)
            scope.names[a.asname or a.name] = v

    # -- expressions --------------------------------------------------------------------------

    def evaluate(self, e, frame, quiet=False):
        """The abstract value of e (None: unknown). Calls inside e are reported to the listener
        unless quiet; frame may be a Scope when quiet."""
        if quiet and isinstance(frame, Scope):
            frame = Frame(frame, False)
        if isinstance(e, ast.Name):
            v = frame.scope.lookup(e.id)
            if v is None and e.id == "open" and not self._shadowed(frame.scope, "open"):
                return Qual("builtins.open")
            if isinstance(v, ImportRef) and self._lookups:
                return self.resolve(v)
            return v
        if isinstance(e, ast.Attribute):
            base = self.evaluate(e.value, frame, quiet)
            if isinstance(base, ProjectModule):
                v = self.project.member(base.importer, base.name, e.attr)
                return self.resolve(v) if isinstance(v, ImportRef) and self._lookups else v
            return _attribute(base, e.attr, e)
        if isinstance(e, ast.Call):
            return self._call(e, frame, quiet)
        if isinstance(e, ast.Lambda):
            for d in e.args.defaults + [d for d in e.args.kw_defaults if d is not None]:
                self.evaluate(d, frame, quiet)
            return Lambda(e)
        if isinstance(e, ast.GeneratorExp):
            self._comprehension(e, frame, quiet)
            return Generator(e)
        if isinstance(e, (ast.Tuple, ast.List)):
            items = [(x, self.evaluate(x, frame, quiet)) for x in e.elts]
            if any(isinstance(x, ast.Starred) for x in e.elts):
                return None
            return Seq(items, e)
        if isinstance(e, (ast.ListComp, ast.SetComp, ast.DictComp)):
            v = self._comprehension(e, frame, quiet)
            if isinstance(e, ast.ListComp) and (isinstance(v, Obj) or (
                    isinstance(v, Instance) and v.kind in ("process", "thread"))):
                return Many(v, e)
            return None
        if isinstance(e, ast.NamedExpr):
            v = self.evaluate(e.value, frame, quiet)
            self.bind(e.target, v, frame)
            return v
        for child in ast.iter_child_nodes(e):
            if isinstance(child, ast.expr):
                self.evaluate(child, frame, quiet)
        return None

    def comprehension_element(self, e, frame):
        """The value of each element of a list/set comprehension or generator expression, with
        its loop variables unknown (quiet: no events)."""
        scope = Scope(frame.scope, "function", frame.scope.function_name())
        for g in e.generators:
            self.bind(g.target, None, Frame(scope, False))
        return self.evaluate(e.elt, Frame(scope, False), quiet=True)

    def _comprehension(self, e, frame, quiet):
        scope = Scope(frame.scope, "function", frame.scope.function_name())
        inner = Frame(scope, frame.import_time, frame.chain)
        for i, g in enumerate(e.generators):
            it = self.evaluate(g.iter, frame if i == 0 else inner, quiet)
            self.bind(g.target, element(it), inner)
            for c in g.ifs:
                self.evaluate(c, inner, quiet)
        if isinstance(e, ast.DictComp):
            self.evaluate(e.key, inner, quiet)
            self.evaluate(e.value, inner, quiet)
            return None
        return self.evaluate(e.elt, inner, quiet)

    def _shadowed(self, scope, name):
        s = scope
        while s is not None:
            if name in s.names:
                return True
            s = s.parent
        return False

    def _call(self, e, frame, quiet):
        callee = self.evaluate(e.func, frame, quiet)
        args = []
        for a in e.args:
            if isinstance(a, ast.Starred):
                self.evaluate(a.value, frame, quiet)
            else:
                args.append((a, self.evaluate(a, frame, quiet)))
        kwargs = {}
        for k in e.keywords:
            v = self.evaluate(k.value, frame, quiet)
            if k.arg is not None:
                kwargs[k.arg] = (k.value, v)
        call = Call(e, callee, args, kwargs, frame)
        result = call.result = self._result(call)
        self._collects(e, args, frame)
        if not quiet and frame.foreign is not None:
            self.listener.on_foreign_call(call)
        elif not quiet:
            self.listener.on_call(call)
            if frame.import_time:
                if isinstance(callee, Function) and callee.cls is None:
                    self.call_at_import(callee, e, frame)
                elif isinstance(callee, Bound) and isinstance(callee.obj, Obj):
                    m = callee.obj.cls.methods.get(callee.name)
                    if m is not None:
                        fn = Function(m, None, callee.obj.cls, callee.obj.cls.scope)
                        fn.home = callee.obj.cls.interp
                        self.call_at_import(fn, e, frame, callee.obj)
                elif isinstance(callee, ClassInfo) and "__init__" in callee.methods:
                    fn = Function(callee.methods["__init__"], None, callee, callee.scope)
                    fn.home = callee.interp
                    self.call_at_import(fn, e, frame, result)
        return result

    def _collects(self, e, args, frame):
        """`jobs.append(p)` (or `insert(i, p)`) on a list literal: the list now holds p, a
        Process or a thread, for the loops over it."""
        f = e.func
        if not (isinstance(f, ast.Attribute) and f.attr in ("append", "insert")
                and isinstance(f.value, ast.Name) and len(e.args) == (1 if f.attr == "append"
                                                                       else 2)):
            return
        item = args[-1][1] if len(args) == len(e.args) else None
        if not _runs_code(item):
            return
        s = frame.scope
        while s is not None and f.value.id not in s.names:
            s = s.parent
        if s is None:
            return
        held = s.names[f.value.id]
        if isinstance(held, Seq) and isinstance(held.node, ast.List) and all(
                _runs_code(x) for _, x in held.items):
            s.names[f.value.id] = Many(item, held.node)

    def _result(self, call):
        """The value a call returns."""
        f, e = call.callee, call.node
        if isinstance(f, Qual):
            q = f.qual
            if q in ("multiprocessing.get_context",):
                return Context(_method_arg(call.arg(0, "method"), none_is=DEFAULT), e)
            if q in CONTEXT_CLASSES:
                return Context(CONTEXT_CLASSES[q], e)
            if q == "multiprocessing.set_start_method":
                self.start_methods.append((_method_arg(call.arg(0, "method"), UNKNOWN), e))
                return None
            if q in POOL:
                method, ctx = f.method, f.context_node
                c = call.arg(4, "context")
                if c is not None:
                    method, ctx = _context_method(c[1]), c[0]
                return Instance("pool", "Pool", e, method, context_node=ctx)
            if q in PROCESS:
                return Instance("process", "Process", e, f.method, started=False,
                                context_node=f.context_node)
            if q in EXECUTOR:
                method, ctx = DEFAULT, None
                c = call.arg(1, "mp_context")
                if c is not None:
                    method, ctx = _context_method(c[1]), c[0]
                return Instance("executor", "ProcessPoolExecutor", e, method, context_node=ctx)
            if q in MANAGER_STARTED:
                return Instance("manager", "Manager", e, f.method, context_node=f.context_node)
            if q in MANAGER_CLASSES:
                ctx = call.arg(3, "ctx")
                method = _context_method(ctx[1]) if ctx else DEFAULT
                return Instance("manager", q.rsplit(".", 1)[1], e, method, started=False,
                                context_node=ctx[0] if ctx else None)
            if q in MP_QUEUES:
                return Instance("queue", q.rsplit(".", 1)[1], e, f.method)
            if q == "multiprocessing.Pipe":
                c1 = Instance("connection", "Connection", e)
                return Seq([(e, c1), (e, Instance("connection", "Connection", e))], e)
            if q in MP_SYNC:
                return Instance("mp-sync", "multiprocessing." + q.rsplit(".", 1)[1], e)
            if q in THREAD_LOCKS:
                name = q.rsplit(".", 1)[1]
                return Instance("thread-lock", "threading." + name.lstrip("_").replace(
                    "allocate_lock", "Lock"), e)
            if q in OPENERS:
                return Instance("file", "file", e)
            if q in THREADS:
                return Instance("thread", q.rsplit(".", 1)[1], e, started=False)
            if q == THREAD_EXECUTOR:
                return Instance("thread-executor", "ThreadPoolExecutor", e)
            if q in SHARED_CTYPES:
                name = q.rsplit(".", 1)[1]
                inst = Instance("shared-ctype", name, e, f.method)
                lock = call.kwargs.get("lock")
                inst.raw = name.startswith("Raw") or (
                    lock is not None and isinstance(lock[0], ast.Constant) and lock[0].value is False)
                return inst
            if q == SHARED_MEMORY:
                # create=True literally: the call makes a new named block (else it attaches).
                c = call.arg(1, "create")
                made = c is not None and isinstance(c[0], ast.Constant) and c[0].value is True
                return Instance("shm-created" if made else "shm", "SharedMemory", e)
            if q == SHAREABLE_LIST:
                c = call.arg(0, "sequence")
                made = c is not None and not (isinstance(c[0], ast.Constant) and c[0].value is None)
                return Instance("shm-created" if made else "shm", "ShareableList", e)
            if q in PARTIAL and call.args:
                return Partial(call.args[0], call.args[1:] + list(call.kwargs.values()), e)
            return None
        if isinstance(f, Bound):
            obj = f.obj
            if isinstance(obj, Instance):
                if obj.kind == "manager" and f.name in ("Queue", "JoinableQueue"):
                    return Instance("proxy-queue", "Queue", e)
                if obj.kind == "manager" and f.name in ("Lock", "RLock", "Event", "Condition",
                                                        "Semaphore", "BoundedSemaphore",
                                                        "Barrier", "Value", "Array", "dict",
                                                        "list", "Namespace"):
                    return Instance("proxy", f.name, e)
            return None
        if isinstance(f, Context):
            return None
        if isinstance(f, ClassInfo):
            return Obj(f, e)
        if isinstance(f, Function) and f.is_generator:
            return Generator(e, f)
        if isinstance(f, Function) and f.cls is None and f.outer is None:
            home = getattr(f, "home", None)
            if home is not None and home is not self:
                return self._foreign_result(call, f)
            if self.summary and home is self and _makes_something(f.node):
                # `work = make_worker()`: what the module exports.
                return self.returned(f, self._lookups)
        return None


# Objects whose maker owns them (ends, joins, unlinks them).
_OWNED = {"pool", "executor", "manager", "process", "shm-created", "shm", "thread",
          "thread-executor", "file"}


def _within(node, container):
    return (node is not None and hasattr(node, "lineno")
            and (container.lineno, container.col_offset) <= (node.lineno, node.col_offset)
            and (node.end_lineno, node.end_col_offset) <= (container.end_lineno,
                                                           container.end_col_offset))


_ENDS = {"close", "join", "terminate", "shutdown", "unlink", "__exit__"}


def _hands_over_fresh(fn):
    """Whether every `return` of fn gives its caller an object made for it: a call, or a local
    name that fn only calls methods on (not one that ends it), and that is neither global nor
    stored or passed anywhere else (`_CACHE[k] = pool` keeps it: shared)."""
    returned, declared = set(), set()
    for n in walk_code(fn.body):
        if isinstance(n, (ast.Global, ast.Nonlocal)):
            declared.update(n.names)
        elif isinstance(n, ast.Return):
            if isinstance(n.value, ast.Name):
                returned.add(n.value.id)
            elif not isinstance(n.value, ast.Call):
                return False
    if returned & declared:
        return False
    if not returned:
        return True
    parents = {}
    for n in walk_code(fn.body):
        for c in ast.iter_child_nodes(n):
            parents[c] = n
    for n in walk_code(fn.body):
        if not (isinstance(n, ast.Name) and n.id in returned and isinstance(n.ctx, ast.Load)):
            continue
        p = parents.get(n)
        if isinstance(p, ast.Return):
            continue
        if isinstance(p, ast.Attribute) and p.attr not in _ENDS:
            continue
        return False
    return True


def walk_code(stmts):
    """The nodes of stmts that run when they do: not the bodies of the functions and classes
    they define."""
    todo = list(stmts)
    while todo:
        n = todo.pop()
        yield n
        for c in ast.iter_child_nodes(n):
            if not isinstance(c, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                  ast.Lambda)):
                todo.append(c)


def _makes_something(fn):
    """Whether a function may return something a summary keeps: a function or class it
    defines, a lambda, or an object of a library call (a multiprocessing one, for the rules)."""
    for s in fn.body:
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return True
        if isinstance(s, ast.Return) and isinstance(s.value, (ast.Lambda, ast.Call, ast.Name)):
            return True
    return False


def _enters_as_itself(v):
    """`with X as y`: y is X for pools, executors, managers, files (their __enter__ returns
    self)."""
    return isinstance(v, Instance) and v.kind in ("pool", "executor", "manager", "file", "shm",
                                                  "shm-created", "thread-executor")


def _is_static(fn):
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in fn.decorator_list)


def _is_classmethod(fn):
    return any(isinstance(d, ast.Name) and d.id == "classmethod" for d in fn.decorator_list)


def _method_arg(arg, none_is):
    if arg is None:
        return none_is
    e = arg[0]
    if isinstance(e, ast.Constant) and e.value is None:
        return none_is
    if isinstance(e, ast.Constant) and e.value in METHODS:
        return e.value
    return UNKNOWN


def _context_method(v):
    if isinstance(v, Context):
        return v.method
    return UNKNOWN


def _member(base, name):
    return _attribute(base, name, None)


_SUBMODULES = {"multiprocessing.pool", "multiprocessing.context", "multiprocessing.managers",
               "multiprocessing.process", "multiprocessing.queues", "multiprocessing.synchronize",
               "multiprocessing.connection", "multiprocessing.shared_memory",
               "multiprocessing.sharedctypes",
               "concurrent.futures", "concurrent.futures.process", "torch.multiprocessing",
               "multiprocessing.dummy"}


def _attribute(base, attr, node):
    if isinstance(base, Module):
        qual = base.name + "." + attr
        if qual in _SUBMODULES or _normalize(qual) in _SUBMODULES:
            return Module(qual)
        if _normalize(qual).startswith("multiprocessing.dummy."):
            return None  # threads behind multiprocessing's API: nothing is pickled
        return Qual(qual)
    if isinstance(base, Context):
        qual = _normalize("multiprocessing." + attr)
        return Qual(qual, base.method, base.node)
    if isinstance(base, Obj):
        attrs = base.cls.attrs()
        if attr in attrs:
            return attrs[attr][0]
        return Bound(base, attr, node)
    if isinstance(base, Instance):
        return Bound(base, attr, node)
    return None
