"""What runs in child processes, and mp-unsynchronized-shared-write.

A *launch* is a place that makes code run in other processes: a Process made with `target=` a
function of the module, or a task function handed to a Pool or a ProcessPoolExecutor. Each
launch knows what the function's parameters receive (the Process's `args`/`kwargs`, an
`apply_async`'s `args`, a `partial`'s bound arguments) and which module globals it sees (those
the module binds, inherited under fork; those a pool initializer sets from its `initargs`, under
any start method). The function's body and the module-level helpers it calls with those objects
(three calls deep) are then read for read-modify-writes of shared Values and Arrays.

Precision first: a `with` on anything that may be a lock (a parameter, a global, `get_lock()`, a
file lock) counts as holding one, and so does an `acquire()` earlier in the block; only a
`threading` lock known as such, an open file or another known non-lock object does not. A
subscript write counts only when every process may hit the same slot: a constant index, or a
loop over the same range in every process (a per-process index, a parameter, is each child's own
slot).
"""
import ast

from .lifetimes import Tree, _pos, loop_around
from .model import DEFAULT, Function, Instance, Partial, Qual, Seq

RULE = "mp-unsynchronized-shared-write"
_PROXIES = {"Value", "Array", "dict", "list"}
_POOL_TASKS = {"map", "map_async", "imap", "imap_unordered", "apply", "apply_async"}
_EXECUTOR_TASKS = {"submit", "map"}
# Objects a `with` may enter that exclude no other process.
_NOT_LOCKS = {"file", "pool", "executor", "manager", "queue", "connection", "process", "shm",
              "shm-created", "thread-lock", "proxy-queue"}
_NOT_LOCK_CALLS = {"open", "suppress", "nullcontext", "redirect_stdout", "redirect_stderr",
                   "TemporaryFile", "NamedTemporaryFile", "TemporaryDirectory", "Pool",
                   "ProcessPoolExecutor", "ThreadPoolExecutor", "Manager", "catch_warnings",
                   "closing", "ExitStack", "scandir", "chdir"}
_MAX_DEPTH = 3


def _shared(v):
    return isinstance(v, Instance) and (
        v.kind == "shared-ctype" or (v.kind == "proxy" and v.qual in _PROXIES))


def _text(e):
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, ast.Attribute):
        base = _text(e.value)
        return base + "." + e.attr if base else ""
    return ""


def _is_one(arg):
    return arg is not None and isinstance(arg[0], ast.Constant) and arg[0].value == 1


class Launch:
    def __init__(self, call, fn, params, owner, kind):
        self.call = call  # the Process constructor, or the pool's map/apply/submit call
        self.fn = fn  # the Function the children run
        self.params = params  # parameter name -> Instance it receives
        self.owner = owner  # the Process, Pool or executor Instance
        self.kind = kind  # "process" | "pool"


class Write:
    def __init__(self, node, inst, expr, launch, via, locked, lock_note):
        self.node = node  # the statement
        self.locked = locked
        self.inst = inst
        self.expr = expr  # the shared object's expression (for the message)
        self.launch = launch
        self.via = via  # helper calls from the launched function, outermost first
        self.lock_note = lock_note  # (node, message) of a with that does not lock, or None


class SharedWrites:
    def __init__(self, interp):
        self.interp = interp
        self.launches = []
        self.pools = {}  # id(pool node) -> (constructor Call, {global name: Instance})

    # -- the walk's calls ---------------------------------------------------------------------

    def on_call(self, call):
        f, r = call.callee, call.result
        if isinstance(f, Qual) and isinstance(r, Instance):
            if r.kind == "process":
                self._process(call, r)
            elif r.kind in ("pool", "executor"):
                self._pool(call, r)
            return
        obj = getattr(f, "obj", None)
        if isinstance(obj, Instance) and obj.kind in ("pool", "executor"):
            names = _POOL_TASKS if obj.kind == "pool" else _EXECUTOR_TASKS
            if f.name in names:
                self._task(call, obj, f.name)

    def _process(self, call, inst):
        target = call.arg(1, "target")
        if target is None or not _module_function(target[1]):
            return
        fn = target[1]
        params = {}
        args = call.arg(3, "args")
        if args is not None and isinstance(args[1], Seq):
            params.update(_positional(fn.node, [v for _, v in args[1].items]))
        kwargs = call.arg(4, "kwargs")
        if kwargs is not None and isinstance(kwargs[0], ast.Dict):
            for k, v in zip(kwargs[0].keys, kwargs[0].values):
                if isinstance(k, ast.Constant) and isinstance(k.value, str):
                    value = self.interp.evaluate(v, call.frame, quiet=True)
                    if _shared(value):
                        params[k.value] = value
        self.launches.append(Launch(call, fn, params, inst, "process"))

    def _pool(self, call, inst):
        base = 1 if inst.kind == "pool" else 2
        init, initargs = call.arg(base, "initializer"), call.arg(base + 1, "initargs")
        sets = {}
        if init is not None and _module_function(init[1]) and initargs is not None \
                and isinstance(initargs[1], Seq):
            fn = init[1].node
            received = _positional(fn, [v for _, v in initargs[1].items])
            declared = {n for s in ast.walk(fn) if isinstance(s, ast.Global) for n in s.names}
            for s in ast.walk(fn):
                if (isinstance(s, ast.Assign) and isinstance(s.value, ast.Name)
                        and s.value.id in received):
                    for t in s.targets:
                        if isinstance(t, ast.Name) and t.id in declared:
                            sets[t.id] = received[s.value.id]
        self.pools[id(inst.node)] = (call, sets)

    def _task(self, call, pool, method):
        fn = call.arg(0, "func" if pool.kind == "pool" else "fn")
        if fn is None:
            return
        values = []
        if isinstance(fn[1], Partial):
            positional = len(fn[1].node.args) - 1  # the rest of Partial.args are keywords
            values = [v for _, v in fn[1].args[:positional]]
            fn = fn[1].func
        if not _module_function(fn[1]):
            return
        if method in ("apply", "apply_async"):
            args = call.arg(1, "args")
            if args is not None and isinstance(args[1], Seq):
                values += [v for _, v in args[1].items]
        elif method == "submit":
            values += [v for _, v in call.args[1:]]
        params = _positional(fn[1].node, values)
        self.launches.append(Launch(call, fn[1], params, pool, "pool"))

    # -- the end ------------------------------------------------------------------------------

    def findings(self, module, start_methods, make_finding):
        if not self.launches:
            return []
        tree = Tree.of(module)
        helpers = tree.functions()
        chosen = {m for m, _ in start_methods}
        module_method = DEFAULT if not chosen else chosen.pop() if len(chosen) == 1 else "unknown"
        module_globals = {n: v for n, v in self.interp.module.names.items() if _shared(v)}
        by_object = {}  # id(inst.node) -> [Write]
        for launch in self.launches:
            method = launch.owner.method
            if method == DEFAULT:
                method = module_method
            # Module globals reach the children only by fork; a spawned child makes its own.
            seen = dict(module_globals) if method in (DEFAULT, "fork") else {}
            home = launch.fn.home
            if home is not None and home is not self.interp:
                # A function of another module of the run: its own module's helpers and
                # globals (not this one's, which it does not see), and what it receives.
                seen = {}
                walker = _Walker(launch, seen, Tree.of(home.tree).functions(),
                                 home.module.names)
            else:
                if launch.kind == "pool":
                    seen.update(self.pools.get(id(launch.owner.node), (None, {}))[1])
                walker = _Walker(launch, seen, helpers, self.interp.module.names)
            walker.function(launch.fn.node, launch.params, False, None, (), 0)
            handed = [v for v in launch.params.values()]
            if launch.kind == "pool":
                handed += self.pools.get(id(launch.owner.node), (None, {}))[1].values()
            for w in walker.writes:
                # Under the platform's default method a global reaches the child only where that
                # default is fork: the driver keeps the finding for such targets only.
                w.if_default = None
                if method == DEFAULT and any(w.inst is v for v in module_globals.values()) \
                        and not any(w.inst is v for v in handed):
                    w.if_default = ("fork",)
                by_object.setdefault(id(w.inst.node), []).append(w)
        out, reported = [], set()
        for writes in by_object.values():
            launches = []
            for w in writes:
                if all(w.launch is not x for x in launches):
                    launches.append(w.launch)
            for w in writes:
                if w.locked or id(w.node) in reported:
                    continue
                why = self._several(tree, w.launch, launches)
                if why is None:
                    continue
                reported.add(id(w.node))
                out.append(self._finding(w, why, make_finding))
                out[-1].if_default = w.if_default
        return out

    def _several(self, tree, launch, launches):
        """Why more than one process runs this write at once: (node, note), or None."""
        name = _callable_name(launch.fn)
        if launch.kind == "pool":
            ctor = self.pools.get(id(launch.owner.node), (None, None))[0]
            if ctor is not None:
                n = ctor.arg(0, "processes" if launch.owner.kind == "pool" else "max_workers")
                if _is_one(n):
                    return None
            return (launch.call.node, "'%s' runs as a task in the pool's worker processes, "
                                      "several at once" % name)
        loop = loop_around(tree, launch.call.node)
        if loop is not None and not _joined_in(tree, loop, launch.call.node):
            return (launch.call.node, "'%s' runs in every Process made in this loop, at the "
                                      "same time" % name)
        for other in launches:
            if other is launch or other.kind != "process":
                continue
            if not _sequential(tree, launch.call.node, other.call.node):
                return (other.call.node, "another Process, running '%s', writes it too; it is "
                                         "made here" % _callable_name(other.fn))
        return None

    @staticmethod
    def _finding(w, why, make_finding):
        inst, obj = w.inst, w.expr
        if inst.kind == "proxy":
            message = ("read-modify-write of the manager's %s proxy '%s' in code run by several "
                       "processes: it reads and then writes with two calls to the manager, and "
                       "an update another process makes in between is lost; hold a lock "
                       "(manager.Lock() or multiprocessing.Lock()) around it"
                       % (inst.qual, obj))
        elif inst.raw:
            what = ("the %s '%s'" % (inst.qual, obj) if inst.qual.startswith("Raw")
                    else "the %s '%s', made with lock=False," % (inst.qual, obj))
            message = ("read-modify-write of %s in code run by several processes, with no lock "
                       "held: two processes can read the same old value and one update is lost; "
                       "use a %s with its lock, or hold a multiprocessing.Lock around it"
                       % (what, "Value" if "Value" in inst.qual else "synchronized Array"))
        else:
            message = ("read-modify-write of the shared %s '%s' outside its lock, in code run by "
                       "several processes: two processes can read the same old value and one "
                       "update is lost; do it under 'with %s.get_lock():'" % (inst.qual, obj, obj))
        notes = [why]
        for call, helper in w.via:
            notes.append((call, "'%s' is called here" % helper))
        if w.lock_note is not None:
            notes.append(w.lock_note)
        notes.append((inst.node, "the %s is made here" % inst.qual))
        return make_finding(RULE, w.node, message, notes)


def _module_function(v):
    return isinstance(v, Function) and v.outer is None and v.cls is None


def _callable_name(fn):
    return fn.node.name


def _positional(fn, values):
    """Parameter name -> the shared object it receives, for positional values."""
    args = getattr(fn.args, "posonlyargs", []) + fn.args.args
    return {a.arg: v for a, v in zip(args, values) if _shared(v)}


def _bound(tree, ctor):
    p = tree.parent.get(ctor)
    if isinstance(p, ast.Assign) and len(p.targets) == 1 and isinstance(p.targets[0], ast.Name):
        return p.targets[0].id
    return None


def _joins(tree, within, name):
    return [n for n in ast.walk(within) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute) and n.func.attr == "join"
            and isinstance(n.func.value, ast.Name) and n.func.value.id == name]


def _joined_in(tree, loop, ctor):
    """A loop that starts and joins its Process in the same iteration runs one at a time."""
    name = _bound(tree, ctor)
    if name is None:
        return False
    return any(_pos(j) > _pos(ctor) for j in _joins(tree, loop, name))


def _sequential(tree, a, b):
    """Whether the Process made at a is joined before the one made at b is made, or the other
    way round (same function)."""
    if tree.region(a) is not tree.region(b):
        return False
    first, second = (a, b) if _pos(a) < _pos(b) else (b, a)
    name = _bound(tree, first)
    if name is None:
        return False
    return any(_pos(first) < _pos(j) < _pos(second)
               for j in _joins(tree, tree.region(first), name))


class _Walker:
    """Reads one launched function (and its helpers) for writes to shared objects."""

    def __init__(self, launch, globals_seen, helpers, module_names):
        self.launch = launch
        self.globals = globals_seen  # name -> shared Instance, as the children see them
        self.helpers = helpers
        self.module_names = module_names
        self.writes = []
        self._active = set()

    def function(self, fn, params, locked, lock_note, via, depth):
        if id(fn) in self._active:
            return
        self._active.add(id(fn))
        local = _local_names(fn)
        env = {}
        for name, v in self.globals.items():
            if name not in local:
                env[name] = v
        env.update(params)
        # Local aliases: `c = counter`.
        for s in ast.walk(fn):
            if (isinstance(s, ast.Assign) and isinstance(s.value, ast.Name)
                    and s.value.id in env and len(s.targets) == 1
                    and isinstance(s.targets[0], ast.Name)):
                env.setdefault(s.targets[0].id, env[s.value.id])
        self.env, self.fn, self.via, self.depth = env, fn, via, depth
        self.block(fn.body, locked, lock_note)
        self._active.discard(id(fn))

    def block(self, stmts, locked, lock_note):
        for s in stmts:
            locked, lock_note = self.stmt(s, locked, lock_note)

    def stmt(self, s, locked, lock_note):
        """Walks s; returns the lock state after it (acquire/release statements change it)."""
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return locked, lock_note
        if isinstance(s, (ast.With, ast.AsyncWith)):
            inner, note = locked, lock_note
            for item in s.items:
                kind = self._lock_kind(item.context_expr)
                if kind == "lock":
                    inner = True
                elif kind is not None and not inner:
                    note = (item.context_expr, kind)
            self.calls(s.items, locked, lock_note)
            self.block(s.body, inner, note)
            return locked, lock_note
        if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call):
            f = s.value.func
            if isinstance(f, ast.Attribute) and f.attr == "acquire":
                return True, lock_note
            if isinstance(f, ast.Attribute) and f.attr == "release":
                return False, lock_note
        if isinstance(s, ast.If) and _acquires(s.test):
            self.block(s.body, True, lock_note)
            self.block(s.orelse, locked, lock_note)
            return locked, lock_note
        if isinstance(s, ast.AugAssign):
            self._rmw(s, s.target, None, locked, lock_note)
        elif isinstance(s, ast.Assign) and len(s.targets) == 1:
            self._rmw(s, s.targets[0], s.value, locked, lock_note)
        # The statement's own expressions (helper calls), then its blocks in order.
        for field, value in ast.iter_fields(s):
            if field in ("body", "orelse", "finalbody", "handlers", "cases"):
                continue
            self.calls(value if isinstance(value, list) else [value], locked, lock_note)
        state = (locked, lock_note)
        for field in ("body", "orelse", "handlers", "cases", "finalbody"):
            for child in getattr(s, field, None) or []:
                if isinstance(child, ast.stmt):
                    state = self.stmt(child, *state)
                elif hasattr(child, "body"):  # except handler, match case
                    self.block(child.body, *state)
        return state if isinstance(s, (ast.Try,)) or type(s).__name__ == "TryStar" \
            else (locked, lock_note)

    def calls(self, nodes, locked, lock_note):
        """Module-level helpers called in these expressions, walked with the shared objects
        their parameters receive."""
        if self.depth >= _MAX_DEPTH:
            return
        for top in nodes:
            if not isinstance(top, ast.AST):
                continue
            for n in ast.walk(top):
                if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                        and n.func.id in self.helpers and n.func.id not in self.env):
                    continue
                helper = self.helpers[n.func.id]
                values = [self._resolve(a) for a in n.args]
                params = _positional(helper, values)
                for k in n.keywords:
                    if k.arg is not None and _shared(self._resolve(k.value)):
                        params[k.arg] = self._resolve(k.value)
                saved = (self.env, self.fn, self.via, self.depth)
                self.function(helper, params, locked, lock_note,
                              self.via + ((n, helper.name),), self.depth + 1)
                self.env, self.fn, self.via, self.depth = saved

    def _resolve(self, e):
        if isinstance(e, ast.Name):
            return self.env.get(e.id)
        return None

    def _lock_kind(self, e):
        """'lock' when entering e may hold a process lock; else a note saying why not, or None
        when e is plainly something else."""
        if isinstance(e, ast.Call):
            f = e.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(
                f, ast.Name) else ""
            if name == "get_lock":
                return "lock"
            if name in _NOT_LOCK_CALLS:
                return None
            return "lock"
        if isinstance(e, ast.Name):
            v = self.env.get(e.id)
            if v is None and e.id not in _local_names(self.fn):
                v = self.module_names.get(e.id)
            if isinstance(v, Instance) and v.kind == "thread-lock":
                return "'%s' is a %s: it excludes other threads of one process, not other " \
                       "processes" % (e.id, v.qual)
            if isinstance(v, Instance) and v.kind in _NOT_LOCKS:
                return None
            return "lock"  # the object itself (`with counter:` holds its lock), or unknown
        return "lock"

    def _rmw(self, stmt, target, value, locked, lock_note):
        if isinstance(target, ast.Attribute) and target.attr == "value":
            inst = self._resolve(target.value)
            if not _shared(inst) or inst.qual not in ("Value", "RawValue"):
                return
            if value is not None and not _reads(value, target, self.env):
                return
        elif isinstance(target, ast.Subscript):
            inst = self._resolve(target.value)
            if not _shared(inst) or inst.qual in ("Value", "RawValue"):
                return
            if value is not None and not _reads(value, target, self.env):
                return
            if not self._same_slot_everywhere(target, stmt):
                return
        else:
            return
        self.writes.append(Write(stmt, inst, _text(target.value), self.launch, self.via, locked,
                                 lock_note if not locked else None))

    def _same_slot_everywhere(self, target, stmt):
        """Whether every process may update the same slot: a constant index, or a loop variable
        over something that is the same in every process."""
        index = target.slice
        if type(index).__name__ == "Index":  # Python 3.8
            index = index.value
        names = [n for n in ast.walk(index) if isinstance(n, ast.Name)]
        if not names:
            return True
        if not (isinstance(index, ast.Name)):
            return False
        for loop in _enclosing_loops(self.fn, stmt):
            if isinstance(loop.target, ast.Name) and loop.target.id == index.id:
                params = _param_names(self.fn)
                local = _local_names(self.fn)
                for n in ast.walk(loop.iter):
                    if not isinstance(n, ast.Name) or n.id in ("range", "len"):
                        continue
                    if _shared(self.env.get(n.id)):
                        continue
                    if n.id in params or n.id in local:
                        return False
                return True
        return False


def _acquires(test):
    return (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute)
            and test.func.attr == "acquire")


def _reads(value, target, env):
    """Whether value reads what target writes (`c.value = c.value + 1`, `a[i] = a[i] * 2`)."""
    want = ast.dump(target.slice) if isinstance(target, ast.Subscript) else None
    obj = env.get(target.value.id) if isinstance(target.value, ast.Name) else None
    for n in ast.walk(value):
        if isinstance(n, type(target)) and isinstance(n.value, ast.Name) \
                and env.get(n.value.id) is obj and obj is not None:
            if want is None and n.attr == target.attr:
                return True
            if want is not None and ast.dump(n.slice) == want:
                return True
    return False


def _param_names(fn):
    a = fn.args
    params = getattr(a, "posonlyargs", []) + a.args + a.kwonlyargs
    params += [x for x in (a.vararg, a.kwarg) if x is not None]
    return {p.arg for p in params}


def _local_names(fn):
    """Names fn binds itself (parameters, assignments), minus those it declares global."""
    declared = set()
    names = set(_param_names(fn))
    todo = list(fn.body)
    while todo:
        n = todo.pop()
        if isinstance(n, ast.Global):
            declared.update(n.names)
        elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
            continue
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in n.names)
        todo.extend(ast.iter_child_nodes(n))
    return names - declared


def _enclosing_loops(fn, stmt):
    """The for loops of fn that hold stmt."""
    out = []

    def visit(node, loops):
        if node is stmt:
            out.extend(loops)
            return True
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                  ast.Lambda)):
                continue
            inner = loops + [child] if isinstance(child, (ast.For, ast.AsyncFor)) else loops
            if visit(child, inner):
                return True
        return False

    visit(fn, [])
    return out
