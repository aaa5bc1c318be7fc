"""Rules about a Process once made: mp-unchecked-child-status.

Like lifetimes.py, these rules read the code around each Process the interpreter saw made: the
name it is bound to, the list it is collected in (`procs.append(p)`, `[Process(...) for ...]`),
the loop variables that walk that list, and every use of those names in the same function. A use
the rule cannot account for -- the process returned, stored, handed to a call -- passes the
process on to someone else, and the rule says nothing (precision first).
"""
import ast

from .lifetimes import Tree, _is_try, _pos
from .model import Instance, Obj

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

    def on_call(self, call):
        r = call.result
        if (isinstance(r, Instance) and r.kind == "process") or (
                isinstance(r, Obj) and r.cls.process_method() is not None):
            self.made.setdefault(id(call.node), call)
        obj = getattr(call.callee, "obj", None)
        if isinstance(obj, Instance) and obj.kind in ("queue", "connection", "proxy-queue") \
                and call.callee.name in _READS:
            self.reads.append(call)

    def findings(self, module, make_finding):
        tree = Tree(module)
        out = []
        for call in self.made.values():
            out.extend(self._status(tree, call, make_finding))
        return out

    # -- mp-unchecked-child-status ------------------------------------------------------------

    def _status(self, tree, call, finding):
        make = call.node
        region = tree.region(make)
        names = _names_of(tree, make, region)
        if names is None:
            return []
        if isinstance(region, ast.Module) and any(
                _used_in_functions(region, n) for n, _ in names):
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


def _used_in_functions(module, name):
    for f in ast.walk(module):
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for n in ast.walk(f):
                if isinstance(n, ast.Name) and n.id == name:
                    return True
    return False


def _within(tree, node, container):
    n = node
    while n is not None:
        if n is container:
            return True
        n = tree.parent.get(n)
    return False
