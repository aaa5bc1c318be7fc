"""The rules. Each listens to the interpreter's events (model.py) and collects candidate findings;
finish() decides the ones that depend on the module's start method, known only at the end."""
import ast

from . import model
from .children import SharedWrites
from .lifetimes import Lifetimes, Tree
from .payload import Payloads
from .processes import Processes
from .model import DEFAULT, UNKNOWN, Instance, Obj, Qual

_DEFAULT_METHODS = ("the default on macOS and Windows, and on Linux from Python 3.14")
_GUARD = "outside 'if __name__ == \"__main__\":'"


class Finding:
    def __init__(self, rule, node, message, notes=(), method=None, method_node=None):
        self.rule = rule
        self.node = node
        self.message = message  # may hold {under}: the start-method clause, filled by finish()
        self.notes = list(notes)  # (node, message)
        self.method = method  # None: no start method involved
        self.method_node = method_node
        # Start methods: the finding holds only where the platform's default is one of them
        # (the driver decides from the Python versions and platforms the project targets).
        self.if_default = None


def callee_name(e):
    """A readable name for a call's function: 'main', 'self.run', 'mp.Pool'."""
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, ast.Attribute):
        base = callee_name(e.value)
        return base + "." + e.attr if base else e.attr
    if isinstance(e, ast.Call):
        base = callee_name(e.func)
        return base + "()" if base else ""
    return ""


def _inside(node, container):
    if node is None or container is None or not hasattr(node, "lineno"):
        return False
    start = (node.lineno, node.col_offset)
    end = (getattr(node, "end_lineno", node.lineno), getattr(node, "end_col_offset", 0))
    cstart = (container.lineno, container.col_offset)
    cend = (getattr(container, "end_lineno", container.lineno),
            getattr(container, "end_col_offset", 0))
    return cstart <= start and end <= cend


class Rules:
    def __init__(self):
        self.findings = []
        self.interp = None
        self.lifetimes = None  # made once interp is known
        self.shared = None
        self.processes = Processes()
        self.payloads = Payloads()

    # -- events -------------------------------------------------------------------------------

    def on_with(self, item, value, frame):
        if (frame.import_time and isinstance(value, Instance) and value.kind == "manager"
                and not value.started):
            self._spawn(item.context_expr, "%s started" % value.qual, value, frame)

    def on_foreign_call(self, call):
        """A call in a function of another module of the run, run while this module is
        imported (call.frame.foreign: the call here that led there)."""
        self._unguarded(call)

    def _owns(self, node):
        return node is self.interp.tree or node in Tree.of(self.interp.tree).parent

    def on_call(self, call):
        f, frame = call.callee, call.frame
        self._frame = frame
        if self.lifetimes is None:
            self.lifetimes = Lifetimes(self.interp.evaluate)
            self.shared = SharedWrites(self.interp)
        self.lifetimes.on_call(call)
        self.shared.on_call(call)
        self.processes.on_call(call)
        self.payloads.on_call(call)
        if frame.import_time:
            self._unguarded(call)
        if isinstance(f, model.Bound) and isinstance(f.obj, Instance):
            self._task_sink(call, f.obj, f.name)
        elif isinstance(call.result, Instance) and isinstance(f, Qual):
            self._constructor_sink(call, call.result)

    # -- mp-unguarded-spawn -------------------------------------------------------------------

    def _unguarded(self, call):
        f, r = call.callee, call.result
        if isinstance(f, Qual) and isinstance(r, Instance) and r.kind == "pool":
            self._spawn(call.node, "Pool created", r, call.frame)
        elif isinstance(f, Qual) and isinstance(r, Instance) and r.kind == "manager" and r.started:
            self._spawn(call.node, "Manager started", r, call.frame)
        elif isinstance(f, model.Bound):
            obj = f.obj
            if isinstance(obj, Instance):
                if obj.kind == "process" and f.name == "start":
                    self._spawn(call.node, "Process started", obj, call.frame)
                elif obj.kind == "manager" and not obj.started and f.name == "start":
                    self._spawn(call.node, "%s started" % obj.qual, obj, call.frame)
                elif obj.kind == "executor" and f.name in ("submit", "map"):
                    self._spawn(call.node, "ProcessPoolExecutor.%s called" % f.name, obj,
                                call.frame)
            elif isinstance(obj, Obj) and f.name == "start":
                method = obj.cls.process_method()
                if method is not None:
                    fake = Instance("process", obj.cls.node.name, obj.node, method)
                    self._spawn(call.node, "Process '%s' started" % obj.cls.node.name, fake,
                                call.frame)

    def _spawn(self, node, what, instance, frame, more=()):
        notes = []
        chain = frame.chain
        if frame.foreign is not None:
            # In a function of another module: reported at the call here that led there.
            entry = frame.foreign
            i = chain.index(entry)
            where = callee_name(entry.func) or "this function"
            more = [(c, "'%s' is called here" % (callee_name(c.func) or "this function"))
                    for c in chain[i + 1:]] + [(node, "%s here" % what)] + list(more)
            what = "%s (by '%s', in another module)" % (what, where)
            node, chain = entry, chain[:i]
        for c in chain:
            name = callee_name(c.func) or "this function"
            notes.append((c, "'%s' is called here, while the module is imported" % name))
        notes.extend(more)
        message = ("%s while the module is imported, %s; {under}, each child process imports "
                   "the main module and runs this line again" % (what, _GUARD))
        self.findings.append(Finding("mp-unguarded-spawn", node, message, notes,
                                     instance.method, instance.context_node))

    # -- mp-unpicklable-task ------------------------------------------------------------------

    _POOL_MAP = {"map", "map_async", "imap", "imap_unordered", "starmap", "starmap_async"}
    _POOL_APPLY = {"apply", "apply_async"}

    def _task_sink(self, call, obj, name):
        kind = obj.kind
        if kind == "pool" and name in self._POOL_MAP | self._POOL_APPLY:
            where = "Pool.%s" % name
            fn = call.arg(0, "func")
            self._check(fn, "task", "%s pickles its function for the workers" % where,
                        results=True)
            if name in self._POOL_APPLY:
                self._check(call.arg(1, "args"), "value", "%s pickles the task's arguments" % where)
                self._check_dict(call.arg(2, "kwds"), "%s pickles the task's arguments" % where)
            else:
                self._check_elements(call.arg(1, "iterable"),
                                     "%s pickles every item of the iterable" % where)
        elif kind == "executor" and name == "submit":
            where = "ProcessPoolExecutor.submit"
            self._check(call.arg(0, "fn"), "task", "%s pickles its function for the worker"
                        % where, results=True)
            for a in call.args[1:]:
                self._check(a, "value", "%s pickles the task's arguments" % where)
            for k, a in call.kwargs.items():
                if k != "fn":
                    self._check(a, "value", "%s pickles the task's arguments" % where)
        elif kind == "executor" and name == "map":
            where = "ProcessPoolExecutor.map"
            self._check(call.arg(0, "fn"), "task", "%s pickles its function for the workers"
                        % where, results=True)
            for a in call.args[1:]:
                self._check_elements(a, "%s pickles every item of the iterables" % where)
        elif kind in ("queue", "proxy-queue") and name in ("put", "put_nowait"):
            self._check(call.arg(0, "obj"), "value", "%s.%s pickles what it sends"
                        % (obj.qual, name))
        elif kind == "connection" and name == "send":
            self._check(call.arg(0, "obj"), "value", "Connection.send pickles what it sends")

    def _constructor_sink(self, call, inst):
        if inst.kind == "process":
            sink = "the Process's %s pickled for the child {under}"
            self._check(call.arg(1, "target"), "inherit", sink % "target is", inst)
            self._check(call.arg(3, "args"), "inherit", sink % "arguments are", inst)
            self._check_dict(call.arg(4, "kwargs"), sink % "arguments are", "inherit", inst)
        elif inst.kind == "pool":
            sink = "the Pool's %s pickled for every worker {under}"
            self._check(call.arg(1, "initializer"), "inherit", sink % "initializer is", inst)
            self._check(call.arg(2, "initargs"), "inherit", sink % "initargs are", inst)
        elif inst.kind == "executor":
            sink = "the ProcessPoolExecutor's %s pickled for every worker {under}"
            self._check(call.arg(2, "initializer"), "inherit", sink % "initializer is", inst)
            self._check(call.arg(3, "initargs"), "inherit", sink % "initargs are", inst)

    def _check_dict(self, arg, sink, position="value", inst=None):
        if arg is None:
            return
        expr, value = arg
        if isinstance(expr, ast.Dict):
            for v in expr.values:
                self._check((v, self.interp.evaluate(v, self._frame, quiet=True)), position, sink,
                            inst)

    def _check_elements(self, arg, sink):
        """An iterable whose items are pickled (not the iterable itself: a generator of tasks is
        fine)."""
        if arg is None:
            return
        expr, value = arg
        if isinstance(value, model.Seq):
            for item in value.items:
                self._report(self._why(item[1], item[0], "value"), expr, sink)
        elif isinstance(expr, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            frame = self._frame
            v = self.interp.comprehension_element(expr, frame)
            self._report(self._why(v, expr.elt, "value"), expr, sink)

    def _check(self, arg, position, sink, inst=None, results=False):
        if arg is None:
            return
        expr, value = arg
        problem = self._why(value, expr, position)
        if problem is None and results:
            problem = self._generator_results(value, expr)
        self._report(problem, expr, sink, inst)

    def _report(self, problem, arg_expr, sink, inst=None):
        if problem is None:
            return
        at, reason, notes = problem
        if not self._owns(at):
            # Made in another module of the run (imported from there): say where.
            what = "the lambda is" if isinstance(at, ast.Lambda) else "it is"
            notes = list(notes) + [(at, "%s defined here" % what)]
            at = arg_expr
        elif not _inside(at, arg_expr):
            at = arg_expr
        notes = [(n, m) for n, m in notes if n is not None and n is not at]
        message = "%s; %s" % (reason, sink)
        method = inst.method if inst is not None else None
        self.findings.append(Finding("mp-unpicklable-task", at, message, notes, method,
                                     inst.context_node if inst is not None else None))

    def _generator_results(self, value, expr):
        if isinstance(value, model.Partial):
            value = value.func[1]
        if isinstance(value, model.Function) and value.is_generator and value.outer is None:
            return (expr, "'%s' is a generator function, and the generators it returns cannot "
                          "be pickled back from the workers" % value.node.name,
                    [(value.node, "'%s' is defined here" % value.node.name)])
        return None

    def _why(self, v, expr, position, depth=0):
        """Why v cannot be pickled at this position: (node, reason, notes), or None."""
        if v is None or depth > 6:
            return None
        if isinstance(v, model.Lambda):
            return (v.node, "a lambda cannot be pickled", [])
        if isinstance(v, model.Function):
            if v.outer is not None:
                return (expr, "'%s' is a function defined inside '%s', which pickle cannot find "
                              "by name" % (v.node.name, v.outer),
                        [(v.node, "'%s' is defined here" % v.node.name)])
            return None
        if isinstance(v, model.ClassInfo):
            if v.outer is not None:
                return (expr, "'%s' is a class defined inside '%s', which pickle cannot find by "
                              "name" % (v.node.name, v.outer),
                        [(v.node, "'%s' is defined here" % v.node.name)])
            return None
        if isinstance(v, model.Generator):
            return (expr, "a generator cannot be pickled", [(v.node, "the generator is made here")])
        if isinstance(v, model.Obj):
            cls = v.cls
            if cls.outer is not None:
                return (expr, "a '%s' object cannot be pickled: its class is defined inside "
                              "'%s', where pickle cannot find it by name"
                        % (cls.node.name, cls.outer),
                        [(cls.node, "'%s' is defined here" % cls.node.name)])
            if cls.process_method() is not None or not cls.pickling_known():
                return None
            for attr, (av, anode) in sorted(cls.attrs().items()):
                inner = self._why(av, None, position, depth + 1)
                if inner is not None:
                    return (expr, "a '%s' object holds 'self.%s', and %s (the class defines no "
                                  "__getstate__)" % (cls.node.name, attr, inner[1]),
                            [(anode, "'self.%s' is assigned here" % attr)])
            return None
        if isinstance(v, model.Bound) and isinstance(v.obj, Obj):
            inner = self._why(v.obj, None, position, depth + 1)
            if inner is not None:
                return (expr, "the bound method '%s' is pickled with its object: %s"
                        % (v.name, inner[1]), inner[2])
            return None
        if isinstance(v, model.Seq):
            for item_expr, item in v.items:
                p = self._why(item, item_expr, position, depth + 1)
                if p is not None:
                    return p
            return None
        if isinstance(v, model.Partial):
            for item_expr, item in [v.func] + v.args:
                p = self._why(item, item_expr, position, depth + 1)
                if p is not None:
                    return p
            return None
        if isinstance(v, Instance):
            made = [(v.node, "it is made here")]
            if v.kind == "file":
                return (expr, "an open file cannot be pickled", made)
            if v.kind == "thread-lock":
                return (expr, "a %s cannot be pickled" % v.qual, made)
            if v.kind in ("pool", "executor"):
                return (expr, "a %s cannot be pickled" % v.qual, made)
            if v.kind in ("mp-sync", "queue", "shared-ctype") and position != "inherit":
                qual = v.qual if v.kind == "mp-sync" else "multiprocessing." + v.qual
                return (expr, "a %s can only reach a child by inheritance (a Process's args, a "
                              "Pool's initargs), not pickled in a task or a message" % qual, made)
        return None

    # -- the end ------------------------------------------------------------------------------

    def finish(self, start_methods):
        """Keeps the findings whose start method is or may be spawn/forkserver. start_methods:
        the module's set_start_method() calls."""
        chosen = {m for m, _ in start_methods}
        module_method = DEFAULT if not chosen else chosen.pop() if len(chosen) == 1 else UNKNOWN
        module_node = start_methods[0][1] if start_methods else None
        if self.lifetimes is not None:
            self.findings.extend(self.lifetimes.findings(self.interp.tree, Finding))
            self.findings.extend(self.shared.findings(self.interp.tree, start_methods, Finding))
            self.findings.extend(self.processes.findings(self.interp.tree, start_methods, Finding))
            self.findings.extend(self.payloads.findings(self.interp.tree, Finding))
        kept = []
        for f in self.findings:
            if "{under}" in f.message:
                method, node = f.method, f.method_node
                if method in (DEFAULT, None):
                    method, node = module_method, module_node
                if method in ("fork", UNKNOWN):
                    continue
                if method == DEFAULT:
                    under = ("when the start method is spawn or forkserver (%s)" % _DEFAULT_METHODS)
                    f.if_default = ("spawn", "forkserver")
                else:
                    under = "under the '%s' start method" % method
                    if node is not None:
                        f.notes.append((node, "the '%s' start method is chosen here" % method))
                f.message = f.message.replace("{under}", under)
            kept.append(f)
        return kept
