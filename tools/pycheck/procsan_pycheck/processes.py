"""Rules about a Process once made: mp-unchecked-child-status, mp-fork-with-threads.

Like lifetimes.py, these rules read the code around each Process the interpreter saw made: the
name it is bound to, the list it is collected in (`procs.append(p)`, `[Process(...) for ...]`),
the loop variables that walk that list, and every use of those names in the same function. A use
the rule cannot account for -- the process returned, stored, handed to a call -- passes the
process on to someone else, and the rule says nothing (precision first).
"""
import ast

from .childwork import ChildWork, run_method, sibling_function
from .lifetimes import Tree, _Entry, _is_try, _pos, used_in_functions
from .model import DEFAULT, Function, Instance, Obj, Qual

_COLLECT = {"append", "extend", "insert", "add"}
# Attributes whose use says nothing about how the child ended.
_NEUTRAL = {"start", "is_alive", "pid", "name", "ident", "daemon", "sentinel", "close",
            "authkey", "run"}
# What tells the parent that a child failed, other than its exit code.
_CHANNELS = ("queue", "connection", "proxy-queue", "proxy", "shared-ctype", "mp-sync")
_READS = {"get", "get_nowait", "recv", "recv_bytes", "recv_bytes_into", "poll"}


class Processes:
    def __init__(self):
        self.made = {}  # id(constructor node) -> Call, for Processes and Process subclasses
        self.reads = []  # Calls that read a queue or a pipe
        self.threads = []  # (Call that starts threads, the thread or executor)
        self.forks = []  # (Call that forks, what it starts, its start method, context node)

    def on_call(self, call):
        r = call.result
        if (isinstance(r, Instance) and r.kind == "process") or (
                isinstance(r, Obj) and r.cls.process_method() is not None):
            self.made.setdefault(id(call.node), call)
        obj = getattr(call.callee, "obj", None)
        if isinstance(obj, Instance) and obj.kind in ("queue", "connection", "proxy-queue") \
                and call.callee.name in _READS:
            self.reads.append(call)
        self._threads_and_forks(call)

    def _threads_and_forks(self, call):
        f, r = call.callee, call.result
        if isinstance(f, Qual) and isinstance(r, Instance) and r.kind == "pool":
            self.forks.append((call, r, r.method, r.context_node))
            return
        obj, name = getattr(f, "obj", None), getattr(f, "name", None)
        if isinstance(obj, Instance):
            if obj.kind == "thread" and name == "start":
                self.threads.append((call, obj))
            elif obj.kind == "thread-executor" and name in ("submit", "map"):
                self.threads.append((call, obj))
            elif obj.kind == "process" and name == "start":
                self.forks.append((call, obj, obj.method, obj.context_node))
            elif obj.kind == "executor" and name in ("submit", "map"):
                self.forks.append((call, obj, obj.method, obj.context_node))
        elif isinstance(obj, Obj) and name == "start":
            if obj.cls.thread_class():
                self.threads.append((call, obj))
            else:
                method = obj.cls.process_method()
                if method is not None:
                    self.forks.append((call, obj, method, None))

    def findings(self, module, start_methods, make_finding):
        if not self.made and not (self.threads and self.forks):
            return []
        tree = Tree.of(module)
        out = []
        for call in self.made.values():
            out.extend(self._status(tree, call, make_finding))
        out.extend(self._fork_with_threads(tree, start_methods, make_finding))
        return out

    # -- mp-fork-with-threads -----------------------------------------------------------------

    def _fork_with_threads(self, tree, start_methods, finding):
        chosen = {m for m, _ in start_methods}
        module_method = DEFAULT if not chosen else chosen.pop() if len(chosen) == 1 else "unknown"
        module_node = start_methods[0][1] if len(start_methods) == 1 else None
        forks = []  # (node, method, context node)
        for call, _, method, ctx in self.forks:
            if method == DEFAULT:
                method, ctx = module_method, module_node
            if method in ("fork", DEFAULT):
                forks.append((call.node, method, ctx))
        if not forks or not self.threads:
            return []
        # Module-level functions that fork, directly or through helpers (three calls deep).
        helpers = tree.functions()
        forking = {}
        for node, method, ctx in forks:
            region = tree.region(node)
            if isinstance(region, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                    helpers.get(region.name) is region:
                forking.setdefault(region.name, (node, method, ctx))
        for _ in range(3):
            for name, fn in helpers.items():
                if name in forking:
                    continue
                for n in ast.walk(fn):
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) \
                            and n.func.id in forking and n.func.id != name:
                        forking[name] = forking[n.func.id]
                        break
        out, reported = [], set()
        for call, thread in sorted(self.threads, key=lambda t: _pos(t[0].node)):
            start = call.node
            region = tree.region(start)
            alive = self._alive_span(tree, start, thread, region)
            if alive is None:
                continue
            sites = [(node, None, method, ctx) for node, method, ctx in forks
                     if tree.region(node) is region]
            for n in ast.walk(region):
                if (isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                        and n.func.id in forking and tree.region(n) is region):
                    node, method, ctx = forking[n.func.id]
                    sites.append((n, node, method, ctx))
            for at, inner, method, ctx in sorted(sites, key=lambda x: _pos(x[0])):
                if id(at) in reported or not alive(at):
                    continue
                reported.add(id(at))
                what = "a Process is started" if inner is None else \
                    "'%s' starts a Process" % at.func.id
                under = ("the 'fork' start method" if method == "fork" else
                         "the 'fork' start method (the default on Linux before Python 3.14)")
                notes = [(start, "the thread is started here and not joined before")]
                if inner is not None:
                    notes.append((inner, "the Process is started here"))
                if ctx is not None:
                    notes.append((ctx, "the 'fork' start method is chosen here"))
                out.append(finding(
                    "mp-fork-with-threads", at,
                    "%s under %s while a thread started before it is still running: the "
                    "child is a copy of the parent with only the forking thread, and a lock "
                    "another thread held at that moment (logging's, stdio's, a C library's) "
                    "stays locked forever in it; start the processes before the threads, join "
                    "the threads first, or use the 'spawn' or 'forkserver' start method"
                    % (what[0].upper() + what[1:], under), notes))
                if method == DEFAULT:
                    out[-1].if_default = ("fork",)
        return out

    def _alive_span(self, tree, start, thread, region):
        """A test: whether the thread started at `start` may still run at a node of region; None
        when the rule cannot tell what becomes of the thread."""
        ctor = thread.node
        if tree.region(ctor) is not region:
            return None
        p = tree.parent.get(ctor)
        inside = None  # the with statement whose exit joins an executor's threads
        names = []
        if isinstance(p, ast.withitem):
            inside = tree.parent.get(p)
            if isinstance(p.optional_vars, ast.Name):
                names = [(p.optional_vars.id, region)]
        elif isinstance(p, ast.Attribute) and p.value is ctor:
            names = []  # Thread(...).start(): never joined
        else:
            names = _names_of(tree, ctor, region)
            if names is None:
                return None
        ends = ("shutdown",) if getattr(thread, "kind", None) == "thread-executor" else ("join",)
        joins = []
        for name, scope in names:
            for use in _uses(scope, name, ctor):
                q = tree.parent.get(use)
                if isinstance(q, ast.Attribute) and q.value is use and q.attr in ends:
                    joins.append(q)

        def alive(node):
            if _pos(node) <= _pos(start) or _exclusive(tree, start, node, region):
                return False
            if inside is not None and not _within(tree, node, inside):
                return False
            return not any(_pos(start) < _pos(j) < _pos(node) for j in joins)
        return alive

    # -- mp-unchecked-child-status ------------------------------------------------------------

    def _status(self, tree, call, finding):
        make = call.node
        region = tree.region(make)
        names = _names_of(tree, make, region)
        if names is None:
            return []
        if isinstance(region, ast.Module) and any(
                used_in_functions(region, n) for n, _ in names):
            return []
        joins = []
        for name, scope in names:
            for use in _uses(scope, name, make):
                what = _use(tree, use, scope, names)
                if what == "escapes":
                    return []
                if isinstance(what, ast.Call):
                    joins.append(what)
                elif what in ("exitcode", "killed"):
                    return []
        waited = [j for j in joins if not _has_timeout(j)]
        if not waited:
            return []
        if self._told_otherwise(tree, call, region):
            return []
        join = min(waited, key=_pos)
        work = _child_work(tree, call)
        if work is not None and not work - {"output"} and not _parent_tests(tree, region, join):
            return []  # the child leaves nothing but its output: no result to lose
        if work is not None and "file" not in work and _last_act(tree, join, region):
            return []  # nothing goes on after it: the program ends with the join
        return [finding("mp-unchecked-child-status", join,
                        "Process joined and its exitcode never examined: a child that raised, "
                        "crashed or was killed looks exactly like one that finished, and the "
                        "program goes on as if it succeeded; check 'exitcode' after join()",
                        [(make, "the Process is made here")])]

    def _told_otherwise(self, tree, call, region):
        """Whether the child can tell the parent how it went another way: a queue or a pipe the
        parent reads, or a shared object (proxy, Value, Event) it gave the child and looks at
        afterwards."""
        if any(tree.region(r.node) is region for r in self.reads):
            return True
        # A shared object the parent looks at after starting the child (a manager's Value the
        # child sets, given by a closure or an argument).
        for n in ast.walk(region):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and _pos(n) > _pos(
                    call.node) and not _within(tree, n, call.node):
                v = call.frame.scope.lookup(n.id)
                if isinstance(v, Instance) and v.kind in _CHANNELS:
                    return True
        # A queue or a pipe the caller gave: the caller may read it.
        params = _params(region)
        for a in [a for a, _ in call.args] + [a for a, _ in call.kwargs.values()]:
            for n in ast.walk(a):
                if isinstance(n, ast.Name) and n.id in params and _channel_like(region, n.id):
                    return True
        exprs = [a for a, _ in call.args] + [a for a, _ in call.kwargs.values()]
        for e in exprs:
            for n in ast.walk(e):
                if not isinstance(n, ast.Name):
                    continue
                v = call.frame.scope.lookup(n.id)
                if isinstance(v, Instance) and v.kind in _CHANNELS:
                    if any(u is not n and not _within(tree, u, call.node)
                           for u in _uses(region, n.id, call.node)):
                        return True
        return False


def _child_work(tree, call, fn=None):
    """What the child made by call may leave behind (childwork.py), or None when the code it
    runs is not known: a target imported from outside the run, a lambda, a bound method, a
    subclass without run(). fn: a function of tree's module, read instead of call's target."""
    work = getattr(tree, "childwork", None)
    if work is None:
        work = tree.childwork = ChildWork(tree)
    if fn is not None:
        return work.function(fn.node)
    r = call.result
    if isinstance(r, Obj):
        run = run_method(r.cls)
        return None if run is None else work.function(run, r.cls)
    target = call.arg(1, "target")
    if target is None:
        return set()  # Process() runs nothing
    v = target[1]
    if isinstance(v, Function) and v.cls is None:
        if v.home is not None and v.home.tree is not tree.module:
            # A function of another module of the run: read in its own module.
            return _child_work(Tree.of(v.home.tree), None, v)
        return work.function(v.node)
    if isinstance(v, Qual):
        other, fn = sibling_function(tree, v.qual)
        if fn is not None:
            return other.function(fn)
    return None


def _parent_tests(tree, region, join):
    """Whether region asserts something after the join: it may be testing what the child
    printed or did."""
    for n in ast.walk(region):
        if not hasattr(n, "lineno") or _pos(n) <= _pos(join):
            continue
        if isinstance(n, ast.Assert):
            return True
        if isinstance(n, ast.Call):
            f = n.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name.startswith(("assert", "fail")):
                return True
    return False


_OUTPUT_ARGS = {"str", "repr", "len", "format", "int", "float", "round"}


def _output_only(s):
    """A statement that, after the last join, neither uses nor announces anything: output of
    names and literals, another Process's join(), a loop of those, a definition."""
    if isinstance(s, (ast.Pass, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import,
                      ast.ImportFrom)):
        return True
    if isinstance(s, ast.Return):
        return s.value is None or isinstance(s.value, ast.Constant)
    if isinstance(s, (ast.For, ast.AsyncFor)):
        return isinstance(s.iter, ast.Name) and not s.orelse and all(
            _output_only(x) for x in s.body)
    if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Call)):
        return False
    c = s.value
    f = c.func
    if isinstance(f, ast.Attribute) and f.attr == "join" and isinstance(f.value, ast.Name) \
            and not c.args and not c.keywords:
        return True
    name = f.id if isinstance(f, ast.Name) else ""
    if name != "print" and not (isinstance(f, ast.Attribute) and f.attr in (
            "info", "debug", "warning") and "log" in (getattr(f.value, "id", "") or "").lower()):
        return False
    for a in list(c.args) + [k.value for k in c.keywords]:
        for x in ast.walk(a):
            if isinstance(x, ast.Call) and not (isinstance(x.func, ast.Name)
                                                and x.func.id in _OUTPUT_ARGS):
                return False
    return True


def _last_act(tree, join, region):
    """Whether the join ends the program: on its entry path (processes.py's callers of
    lifetimes._Entry), with nothing after it but output, here and in every caller up to the
    `if __name__ == "__main__":` block, and not in a test function."""
    entry = getattr(tree, "entry", None)
    if entry is None:
        entry = tree.entry = _Entry(tree)
    site = tree.statement(join)
    # Climb out of the loop that joins every Process: `for p in procs: p.join()`.
    while True:
        p = tree.parent.get(site)
        if isinstance(p, (ast.For, ast.AsyncFor)) and p is not region and _output_only(p):
            site = p
        else:
            break
    reg = region
    while True:
        if isinstance(reg, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                reg.name.startswith("test"):
            return False
        if not entry.holds(tree, site, reg):
            return False
        n = tree.statement(site)
        while n is not None and n is not reg:
            block, i = tree.block_of(n)
            if block is None:
                return False
            if not all(_output_only(x) for x in block[i + 1:]):
                return False
            parent = tree.parent.get(n)
            if _is_try(parent) and not all(_output_only(x) for x in parent.finalbody):
                return False
            n = parent
        if isinstance(reg, ast.Module):
            return True
        site = entry.caller[reg]
        reg = tree.region(site)


def _names_of(tree, make, region):
    """The names that hold the Process in region: [(name, scope node)], its own name and those of
    the lists it is collected in and of the loops over them; None when it goes elsewhere."""
    p = tree.parent.get(make)
    out = []
    lists = []
    if isinstance(p, ast.Assign) and len(p.targets) == 1 and isinstance(p.targets[0], ast.Name):
        out.append((p.targets[0].id, region))
        for use in _uses(region, p.targets[0].id, make):
            q = tree.parent.get(use)
            if isinstance(q, ast.Call) and use in q.args and isinstance(q.func, ast.Attribute) \
                    and q.func.attr in _COLLECT and isinstance(q.func.value, ast.Name):
                lists.append(q.func.value.id)
    elif isinstance(p, ast.ListComp) and p.elt is make:
        q = tree.parent.get(p)
        if not (isinstance(q, ast.Assign) and len(q.targets) == 1
                and isinstance(q.targets[0], ast.Name)):
            return None
        lists.append(q.targets[0].id)
    elif isinstance(p, ast.Call) and make in p.args and isinstance(p.func, ast.Attribute) \
            and p.func.attr in _COLLECT and isinstance(p.func.value, ast.Name):
        lists.append(p.func.value.id)
    else:
        return None
    for name in lists:
        if not _local_list(region, name):
            return None  # the caller's list, or a global: someone else may look
        out.append((name, region))
        for loop in ast.walk(region):
            gens = []
            if isinstance(loop, (ast.For, ast.AsyncFor)):
                gens = [(loop.target, loop.iter, loop)]
            elif isinstance(loop, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                gens = [(g.target, g.iter, loop) for g in loop.generators]
            for target, it, scope in gens:
                if isinstance(it, ast.Call) and isinstance(it.func, ast.Name) \
                        and it.func.id in ("enumerate", "reversed") and it.args:
                    it = it.args[0]
                    if isinstance(target, ast.Tuple) and len(target.elts) == 2:
                        target = target.elts[1]
                if isinstance(it, ast.Name) and it.id == name and isinstance(target, ast.Name):
                    out.append((target.id, scope))
    return out


def _params(region):
    if not isinstance(region, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        return set()
    a = region.args
    return {x.arg for x in getattr(a, "posonlyargs", []) + a.args + a.kwonlyargs}


def _channel_like(region, name):
    """A parameter used as a queue or a pipe in region, or named like one."""
    low = name.lower()
    if "queue" in low or low in ("q", "conn", "pipe") or low.endswith(("_q", "_conn", "_pipe")):
        return True
    for n in ast.walk(region):
        if (isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == name
                and n.attr in _READS | {"put", "put_nowait", "send", "send_bytes"}):
            return True
    return False


def _exclusive(tree, a, b, region):
    """Whether no single run reaches both a and b: different branches of one if statement, or a
    try's handler and its else block (or two handlers)."""
    path = {}  # ancestor of a -> the child of it that leads to a
    child, n = a, tree.parent.get(a)
    while n is not None:
        path[n] = child
        if n is region:
            break
        child, n = n, tree.parent.get(n)
    child, n = b, tree.parent.get(b)
    while n is not None and n not in path:
        child, n = n, tree.parent.get(n)
    if n is None:
        return False
    side_a, side_b = _branch(n, path[n]), _branch(n, child)
    if side_a is None or side_b is None or path[n] is child:
        return False
    if isinstance(n, ast.If):
        return side_a != side_b
    if _is_try(n):
        sides = {side_a, side_b}
        return sides == {"handlers", "orelse"} or (sides == {"handlers"} and path[n] is not child)
    return False


def _branch(n, child):
    for field in ("body", "orelse", "handlers", "finalbody"):
        if child in (getattr(n, field, None) or []):
            return field
    return None


def _local_list(region, name):
    """Whether region makes the list itself: `name = []`, `name = [...]`, `name = list()`."""
    for n in ast.walk(region):
        if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name
                                             for t in n.targets):
            v = n.value
            if isinstance(v, (ast.List, ast.ListComp)) or (
                    isinstance(v, ast.Call) and isinstance(v.func, ast.Name)
                    and v.func.id == "list" and not v.args):
                return True
    return False


def _uses(scope, name, after):
    out = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == name
           and isinstance(n.ctx, ast.Load) and _pos(n) > _pos(after)]
    return sorted(out, key=_pos)


def _use(tree, use, scope, names):
    """What a use of a name holding the Process (or a list of them) does with it: the join Call,
    'exitcode', 'killed', 'escapes', or None (nothing that matters)."""
    p = tree.parent.get(use)
    held = {n for n, _ in names}
    if isinstance(p, ast.Attribute) and p.value is use:
        called = isinstance(tree.parent.get(p), ast.Call) and tree.parent[p].func is p
        if p.attr == "join" and called:
            return tree.parent[p]
        if p.attr == "exitcode":
            return "exitcode"
        if p.attr in ("terminate", "kill"):
            return "killed"
        if p.attr in _COLLECT or p.attr in _NEUTRAL:
            return None
        # A Process subclass's own methods (stop(), submit()) talk to the child another way;
        # `join` not called is handed on as a callback.
        return "escapes"
    if isinstance(p, (ast.For, ast.AsyncFor, ast.comprehension)) and p.iter is use:
        return None
    if isinstance(p, ast.Call) and use in p.args:
        f = p.func
        if isinstance(f, ast.Name) and f.id in ("len", "enumerate", "reversed", "print"):
            return None
        if isinstance(f, ast.Attribute) and f.attr in _COLLECT and isinstance(f.value, ast.Name) \
                and f.value.id in held:
            return None
        return "escapes"
    if isinstance(p, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.If, ast.While, ast.IfExp,
                      ast.Assert)):
        return None
    return "escapes"


def _has_timeout(join):
    t = join.args[0] if join.args else next(
        (k.value for k in join.keywords if k.arg == "timeout"), None)
    return t is not None and not (isinstance(t, ast.Constant) and t.value is None)


def _within(tree, node, container):
    n = node
    while n is not None:
        if n is container:
            return True
        n = tree.parent.get(n)
    return False
