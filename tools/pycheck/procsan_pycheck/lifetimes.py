"""Rules about what happens to an object after it is made: mp-pool-not-joined,
mp-leaked-ipc-name, mp-join-before-drain.

The interpreter (model.py) tells which calls make a pool, an executor, a shared memory block or a
process, and which calls act on them; these rules then read the code around each of them: the
name it is bound to and every later use of that name in the same function (nested functions and
lambdas included, since they see the name too). A use the rule cannot account for -- the object
returned, stored in an attribute or a container, handed to a call it does not know -- passes the
object on to someone else, and the rule says nothing (ownership passed; precision first).
"""
import ast

from .model import Function, Instance, is_main_guard, is_not_main_guard, walk_code

# Calls that end a pool's or an executor's life: they wait for its workers.
_POOL_ENDS = {"join", "terminate"}
_EXECUTOR_ENDS = {"shutdown"}
# Pool methods whose results arrive later; the `with` block's exit terminates the pool.
_POOL_ASYNC = {"apply_async", "map_async", "starmap_async", "imap", "imap_unordered"}
# Reads of a queue or a pipe end by the joining code.
_DRAINS = {"get", "get_nowait", "recv", "recv_bytes", "recv_bytes_into", "poll"}
# A child's writes into a queue or a pipe.
_FILLS = {"put", "put_nowait", "send", "send_bytes"}
# Builtins whose result is small whatever their argument.
_SMALL_CALLS = {"len", "int", "float", "bool", "abs", "round", "id", "hash", "os.getpid",
                "os.getppid", "time.time", "time.monotonic", "time.perf_counter"}
_SMALL_CONSTANT = 512  # characters of a str or bytes literal counted as small
# Calls that cannot raise in a way that skips a pool's ending call, between its creation and
# that call: submissions to the same pool only enqueue (pickling errors and the task's own come
# back through the result), and these helpers of the caller's own (by name).
_SUBMITS = _POOL_ASYNC | {"submit", "close"}
_BENIGN_CALLS = {"partial", "functools.partial", "time.time", "time.perf_counter",
                 "time.monotonic", "perf_counter", "monotonic", "print", "len", "range",
                 "enumerate", "zip"}
_BENIGN_METHODS = {"append", "extend"}  # on a plain name: list.append
# After a pool's last use on the program's entry path: what keeps the program going, so that
# the exit handler that would end the pool does not come soon (a process made, a wait).
_LONG_RUNNING = {"serve_forever", "run_forever", "run_until_complete", "mainloop", "sleep",
                 "input", "start", "wait", "exec_", "Popen", "fork", "forkpty", "system",
                 "check_call", "check_output", "run"}
_SPAWNS = {"subprocess.call", "os.posix_spawn", "os.spawnv", "os.execv"}


def _pos(n):
    return (n.lineno, n.col_offset)


class Tree:
    """Parents and enclosing functions of the module's nodes."""

    def __init__(self, module):
        self.module = module
        self.parent = {}
        for node in ast.walk(module):
            for child in ast.iter_child_nodes(node):
                self.parent[child] = node

    @staticmethod
    def of(module):
        """The module's Tree, made once for every rule that reads it."""
        tree = getattr(module, "_procsan_tree", None)
        if tree is None:
            tree = module._procsan_tree = Tree(module)
        return tree

    def region(self, node):
        """The function (or lambda, or the module) whose code holds node."""
        n = self.parent.get(node)
        while n is not None and not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                  ast.Lambda, ast.Module)):
            n = self.parent.get(n)
        return n or self.module

    def statement(self, node):
        n = node
        while n is not None and not isinstance(n, ast.stmt):
            n = self.parent.get(n)
        return n

    def block_of(self, stmt):
        """(the list holding stmt, its index) or (None, -1)."""
        p = self.parent.get(stmt)
        if p is None:
            return None, -1
        for field in ("body", "orelse", "finalbody", "handlers"):
            block = getattr(p, field, None)
            if isinstance(block, list) and stmt in block:
                return block, block.index(stmt)
        return None, -1

    def enclosing(self, node, region):
        """The ancestors of node up to region, innermost first."""
        n = self.parent.get(node)
        while n is not None and n is not region:
            yield n
            n = self.parent.get(n)

    def functions(self):
        """Module-level functions by name (helpers called by name)."""
        return {s.name: s for s in self.module.body
                if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _bound_name(tree, make):
    """The local name the call's result is bound to (`x = make(...)`, `with make() as x`), the
    node whose scope holds it, and how: ("assign" | "with" | "chained" | None)."""
    p = tree.parent.get(make)
    if isinstance(p, ast.Assign) and len(p.targets) == 1 and isinstance(p.targets[0], ast.Name):
        return p.targets[0].id, "assign"
    if isinstance(p, ast.AnnAssign) and isinstance(p.target, ast.Name):
        return p.target.id, "assign"
    if isinstance(p, ast.withitem) and p.context_expr is make:
        if isinstance(p.optional_vars, ast.Name):
            return p.optional_vars.id, "with"
        return None, "with"
    if isinstance(p, ast.Attribute) and p.value is make:
        return None, "chained"
    return None, None


def _loads(region, name, after):
    """The loads of name in region after position `after`, in source order."""
    out = [n for n in ast.walk(region) if isinstance(n, ast.Name) and n.id == name
           and isinstance(n.ctx, ast.Load) and _pos(n) > after]
    return sorted(out, key=_pos)


def _is_try(n):
    return isinstance(n, ast.Try) or type(n).__name__ == "TryStar"


def _nodes(stmts):
    return {n for s in stmts for n in ast.walk(s)}


def _dotted(e):
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, ast.Attribute):
        base = _dotted(e.value)
        return base + "." + e.attr if base else e.attr
    return ""


def _returns_only(fn):
    """A function of the file whose body is one `return` of an expression without calls (a
    string helper): it does not raise."""
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return (len(body) == 1 and isinstance(body[0], ast.Return)
            and not any(isinstance(n, (ast.Call, ast.Await)) for n in ast.walk(body[0])))


def used_in_functions(module, name):
    """Whether a function, method or lambda of the module names `name`."""
    for f in ast.walk(module):
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for n in ast.walk(f):
                if isinstance(n, ast.Name) and n.id == name:
                    return True
    return False


def loop_around(tree, node):
    """The loop or comprehension around node in its own function or module, or None."""
    region = tree.region(node)
    for a in tree.enclosing(node, region):
        if isinstance(a, (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp,
                          ast.GeneratorExp, ast.DictComp)):
            return a
    return None


def _after(region, pos):
    """The code of region that comes after pos (and, at module level, outside definitions)."""
    body = region.body if isinstance(region, (ast.Module, ast.FunctionDef,
                                              ast.AsyncFunctionDef)) else []
    return [n for n in walk_code(body) if hasattr(n, "lineno") and _pos(n) >= pos]


_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp,
          ast.GeneratorExp, ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_EXITS = {"sys.exit", "exit", "quit", "os._exit", "os.abort"}


def _caught(tree, site, region):
    """Whether a try around site (up to region) has a handler that goes on: the exception does
    not end the program."""
    child = site
    for a in tree.enclosing(site, region):
        if _is_try(a) and child in a.body:
            for h in a.handlers:
                last = h.body[-1] if h.body else None
                if isinstance(last, ast.Raise):
                    continue
                if (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
                        and _dotted(last.value.func) in _EXITS):
                    continue
                return True
        child = a
    return False


class _Entry:
    """The program's entry path: the statements under the module's `if __name__ ==
    "__main__":`, and the module-level functions called exactly once, not in a loop, from
    there or from another such function (not generators: their bodies run as the consumer
    pulls)."""

    def __init__(self, tree):
        module = tree.module
        self.guarded = set()
        for s in module.body:
            if isinstance(s, ast.If) and is_main_guard(s.test):
                self.guarded.update(id(x) for x in s.body)
            elif isinstance(s, ast.If) and is_not_main_guard(s.test):
                self.guarded.update(id(x) for x in s.orelse)
        self.caller = {}  # FunctionDef -> its one call
        if not self.guarded:
            return
        functions = tree.functions()
        refs = {}
        for n in ast.walk(module):
            if isinstance(n, ast.Name) and n.id in functions:
                refs.setdefault(n.id, []).append(n)
        changed = True
        while changed:
            changed = False
            for fname, fn in functions.items():
                if fn in self.caller or _generator(fn) or len(refs.get(fname, ())) != 1:
                    continue
                ref = refs[fname][0]
                call = tree.parent.get(ref)
                if not (isinstance(call, ast.Call) and call.func is ref):
                    continue
                reg = tree.region(call)
                if reg is not fn and self.holds(tree, call, reg):
                    self.caller[fn] = call
                    changed = True

    def holds(self, tree, site, region):
        """Whether site, in region, runs at most once on the entry path."""
        for a in tree.enclosing(site, region):
            if isinstance(a, _LOOPS):
                return False
        if isinstance(region, ast.Module):
            return any(id(a) in self.guarded for a in [site] + list(tree.enclosing(site, region)))
        return region in self.caller


def _generator(fn):
    return any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in walk_code(fn.body))


def _returns_made(tree, make):
    """(the function, the index in the returned tuple or None) when the pool made at make is bound
    to a name its function returns and does not end itself; None otherwise."""
    name, how = _bound_name(tree, make)
    fn = tree.region(make)
    if how != "assign" or not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) \
            or _generator(fn):
        return None
    index = None
    for n in walk_code(fn.body):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(
                n.func.value, ast.Name) and n.func.value.id == name and \
                n.func.attr in _POOL_ENDS | _EXECUTOR_ENDS | {"close"}:
            return None
        if not isinstance(n, ast.Return) or n.value is None:
            continue
        v = n.value
        if isinstance(v, ast.Name) and v.id == name:
            here = None
        elif isinstance(v, ast.Tuple) and any(isinstance(e, ast.Name) and e.id == name
                                               for e in v.elts):
            here = [i for i, e in enumerate(v.elts)
                    if isinstance(e, ast.Name) and e.id == name][0]
        else:
            continue
        if index is not None and here != index:
            return None
        index = here if here is not None else -1
    if index is None:
        return None
    return fn, (None if index == -1 else index)


def _receivers(tree, helper, index):
    """The calls of helper in the file that bind what it returns at index to a name: [(call,
    name)]. A module-level function is called by its name; a method as `self.name(...)` from a
    method of the same class."""
    owner = tree.parent.get(helper)
    out = []
    for n in ast.walk(tree.module):
        if not isinstance(n, ast.Call):
            continue
        f = n.func
        if isinstance(owner, ast.Module):
            if not (isinstance(f, ast.Name) and f.id == helper.name):
                continue
        elif isinstance(owner, ast.ClassDef):
            caller = tree.region(n)
            if not (isinstance(f, ast.Attribute) and f.attr == helper.name
                    and isinstance(f.value, ast.Name)
                    and isinstance(caller, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and tree.parent.get(caller) is owner and caller.args.args
                    and f.value.id == caller.args.args[0].arg):
                continue
        else:
            continue
        p = tree.parent.get(n)
        if not (isinstance(p, ast.Assign) and len(p.targets) == 1 and p.value is n):
            continue
        t = p.targets[0]
        if index is None and isinstance(t, ast.Name):
            out.append((n, t.id))
        elif index is not None and isinstance(t, (ast.Tuple, ast.List)) and \
                len(t.elts) > index and isinstance(t.elts[index], ast.Name) and \
                not any(isinstance(e, ast.Starred) for e in t.elts):
            out.append((n, t.elts[index].id))
    return out


class Lifetimes:
    """Collects the interpreter's calls, then judges them at the end of the module."""

    def __init__(self, evaluate):
        self.evaluate = evaluate  # the interpreter's, for expressions the walk left unevaluated
        self.made = {}  # id(call node) -> (Call, Instance) for pools, executors, shm, processes
        self.acts = {}  # id(call node) -> (Call, Instance acted on, method name)

    def on_call(self, call):
        r = call.result
        if isinstance(r, Instance) and r.kind in ("pool", "executor", "shm-created", "process"):
            self.made.setdefault(id(call.node), (call, r))
        f = call.callee
        if hasattr(f, "obj") and isinstance(getattr(f, "obj"), Instance):
            self.acts.setdefault(id(call.node), (call, f.obj, f.name))

    def findings(self, module, make_finding):
        if not self.made:
            return []  # every rule here starts from an object made in this file
        tree = Tree.of(module)
        out = []
        for call, inst in self.made.values():
            if inst.kind in ("pool", "executor"):
                out.extend(self._pool(tree, call.node, inst, make_finding))
            elif inst.kind == "shm-created":
                out.extend(self._shm(tree, call.node, inst, make_finding))
        out.extend(self._received_pools(tree, make_finding))
        out.extend(self._joins(tree, make_finding))
        for f in out:
            made = self.made.get(id(f.node))
            if made is not None and getattr(made[1], "made_in", None):
                # Made by a function of another module of the run, which returned it here.
                name, node = made[1].made_in
                f.notes.append((node, "'%s' makes the %s here and returns it"
                                % (name, made[1].qual)))
        return out

    # -- mp-pool-not-joined -------------------------------------------------------------------

    def _pool(self, tree, make, inst, finding, bound=None):
        """bound: (name, "assign") when make is a call of a helper that returns the pool."""
        what = inst.qual
        name, how = bound or _bound_name(tree, make)
        rule = "mp-pool-not-joined"
        if how == "chained":
            attr = tree.parent[make].attr
            if attr in ("__enter__",):
                return []
            return [finding(rule, make, "%s made only to call '%s' on it is never %s; its worker "
                                        "processes are left running" % (what, attr,
                                                                       self._ended(inst)))]
        if how == "with":
            if inst.kind != "pool" or name is None:
                return []  # an executor's exit waits for its work
            return self._pending_async(tree, tree.parent[make], name, finding)
        if how != "assign":
            return []  # returned, stored, passed on: its owner ends it
        region = tree.region(make)
        stmt = tree.statement(make)
        ends_names = _POOL_ENDS if inst.kind == "pool" else _EXECUTOR_ENDS
        ends, closed = [], None
        for use in _loads(region, name, _pos(make)):
            p = tree.parent.get(use)
            if isinstance(p, ast.Attribute) and p.value is use:
                called = isinstance(tree.parent.get(p), ast.Call) and tree.parent[p].func is p
                if p.attr in ends_names:
                    if not called:
                        return []  # handed on as a callback (atexit.register(pool.terminate))
                    ends.append(tree.parent[p])
                elif p.attr == "close" and called:
                    closed = closed or tree.parent[p]
                continue
            if isinstance(p, ast.withitem):
                return []  # `with pool:` later
            if isinstance(p, (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.If, ast.While,
                              ast.IfExp, ast.Assert)):
                continue  # a test: `if pool is not None:`
            return []  # the pool itself goes somewhere: its owner ends it
        if isinstance(region, ast.Module) and used_in_functions(region, name):
            return []
        if not ends:
            pending = self._unread_async(tree, region, name, make) if inst.kind == "pool" else None
            if closed is not None and inst.kind == "pool":
                if pending is None:
                    return []  # every result was read: after close() the workers exit by themselves
                return [finding(rule, make, "Pool '%s' is closed but never joined: nothing waits "
                                            "for its workers to finish their tasks and exit"
                                % name, sorted([(closed, "it is closed here"),
                                                (pending, "this result may still be pending when "
                                                          "the function returns")],
                                               key=lambda x: _pos(x[0])))]
            if pending is None and self._ends_with_program(tree, make, region, name):
                return []
            return [finding(rule, make, "%s '%s' is neither used as a context manager nor %s; "
                                        "its worker processes are left running"
                            % (what, name, self._ended(inst)))]
        if self._covered(tree, stmt, ends, region, name):
            return []
        if self._ends_with_program(tree, make, region, name):
            return []
        first = min(ends, key=_pos)
        return [finding(rule, make, "%s '%s' is %s only on some paths: an exception or an early "
                                    "exit before line %d leaves its worker processes running; "
                                    "use 'with', or end it in 'finally'"
                        % (what, name, self._ended(inst), first.lineno),
                        [(first, "it is ended here, on the normal path only")])]

    def _received_pools(self, tree, finding):
        """A function or method of the file that makes a pool and returns it (alone, or as an
        element of a tuple: `return pool, results`) hands it to its caller, which owns it: each
        call of it in the file that binds the pool to a name is a creation site there, judged
        like a constructor (gensim's `pool, shard_results = self.query_shards(q)`)."""
        out = []
        for call, inst in self.made.values():
            if inst.kind not in ("pool", "executor"):
                continue
            returned = _returns_made(tree, call.node)
            if returned is None:
                continue
            helper, index = returned
            for site, name in _receivers(tree, helper, index):
                found = self._pool(tree, site, inst, finding, (name, "assign"))
                for f in found:
                    f.notes.append((call.node, "'%s' makes the %s here and returns it"
                                    % (helper.name, inst.qual)))
                out.extend(found)
        return out

    @staticmethod
    def _ended(inst):
        return "closed and joined" if inst.kind == "pool" else "shut down"

    def _covered(self, tree, stmt, ends, region, name):
        """Whether an end of the pool runs on every path from stmt: a `finally` around stmt or
        right after it, or an end at stmt's own level with nothing that may raise or leave in
        between."""
        for t in tree.enclosing(stmt, region):
            if _is_try(t) and stmt not in t.finalbody:
                final = _nodes(t.finalbody)
                if any(e in final for e in ends):
                    return True
        block, i = tree.block_of(stmt)
        if block is None:
            return False
        for j in range(i + 1, len(block)):
            s = block[j]
            inside = set(ast.walk(s))
            if any(e in inside for e in ends):
                if _is_try(s):
                    final = _nodes(s.finalbody)
                    if any(e in final for e in ends):
                        return not self._may_raise(tree, block[i + 1:j], name)
                if isinstance(s, ast.Expr) and s.value in ends:
                    return not self._may_raise(tree, block[i + 1:j], name)
                return False
        return False

    def _may_raise(self, tree, stmts, name):
        """Whether stmts (between a pool's creation and its ending call) may raise or leave in a
        way that skips the ending call. Submissions to the pool itself only enqueue."""
        helpers = tree.functions()
        for s in stmts:
            for n in ast.walk(s):
                if isinstance(n, (ast.Return, ast.Raise, ast.Break, ast.Continue, ast.Await,
                                  ast.Yield, ast.YieldFrom)):
                    return True
                if isinstance(n, ast.Call) and not self._benign(n, name, helpers):
                    return True
        return False

    def _benign(self, call, name, helpers):
        f = call.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            if f.value.id == name and f.attr in _SUBMITS:
                return True
            if f.attr in _BENIGN_METHODS:
                return True
        made = self.made.get(id(call))
        if made is not None and made[1].kind in ("pool", "executor"):
            return True  # another pool: starting workers is not expected to fail
        if _dotted(f) in _BENIGN_CALLS:
            return True
        return isinstance(f, ast.Name) and f.id in helpers and _returns_only(helpers[f.id])

    def _unread_async(self, tree, region, name, make):
        """An async submission to the pool whose result may never be read in region (the
        call node), or None when every one is read (iterated, `.get()`, handed on)."""
        for n in sorted(ast.walk(region), key=lambda x: _pos(x) if hasattr(x, "lineno")
                        else (0, 0)):
            if not (isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
                    and n.value.id == name and n.attr in _POOL_ASYNC and _pos(n) > _pos(make)):
                continue
            call = tree.parent.get(n)
            if not (isinstance(call, ast.Call) and call.func is n):
                return n  # the async method handed on: whoever calls it may drop results
            holder, later = self._holder(tree, call)
            if later is False:
                continue
            if holder is None:
                return call
            if not [u for u in _loads(region, holder, _pos(call))
                    if not self._appends_to(tree, u)]:
                return call
        return None

    def _ends_with_program(self, tree, make, region, name):
        """Whether the pool lives as long as the program: made on its entry path (under
        `if __name__ == "__main__":`, or in a function only that path calls, once), not in a
        loop, with no handler that catches an exception and goes on, and nothing after its last
        use that makes a process or waits: the process then ends, and multiprocessing's exit
        handler terminates the pool (an executor's joins its workers)."""
        entry = getattr(tree, "entry", None)
        if entry is None:
            entry = tree.entry = _Entry(tree)
        uses = _loads(region, name, _pos(make)) or [make]
        last = max(uses, key=lambda u: (u.end_lineno, u.end_col_offset))
        site, reg, after = make, region, (last.end_lineno, last.end_col_offset)
        seen = set()
        while True:
            if not entry.holds(tree, site, reg) or _caught(tree, site, reg):
                return False
            if self._busy(tree, _after(reg, after), tree.functions(), seen, 0):
                return False
            if isinstance(reg, ast.Module):
                return True
            site = entry.caller[reg]
            reg = tree.region(site)
            after = (site.end_lineno, site.end_col_offset)

    def _busy(self, tree, nodes, helpers, seen, depth):
        """Whether nodes make a process or a pool, or wait (a loop that may serve forever, a
        sleep, a start()), also through the functions of the file they call."""
        for n in nodes:
            if isinstance(n, (ast.While, ast.Await)):
                return True
            if not isinstance(n, ast.Call):
                continue
            made = self.made.get(id(n))
            if made is not None and made[1].kind in ("pool", "executor", "process"):
                return True
            full = _dotted(n.func)
            if full in _SPAWNS or full.rsplit(".", 1)[-1] in _LONG_RUNNING:
                return True
            if isinstance(n.func, ast.Name) and n.func.id in helpers:
                fn = helpers[n.func.id]
                if id(fn) in seen:
                    continue
                seen.add(id(fn))
                if depth >= 4 or self._busy(tree, walk_code(fn.body), helpers, seen, depth + 1):
                    return True
        return False

    def _pending_async(self, tree, item, name, finding):
        with_stmt = tree.parent[item]
        body = ast.Module(body=with_stmt.body, type_ignores=[])
        inside = set(ast.walk(body))
        end = (with_stmt.end_lineno, with_stmt.end_col_offset)
        joins = [n for n in inside if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                 and isinstance(n.func.value, ast.Name) and n.func.value.id == name
                 and n.func.attr in ("join", "close")]
        out = []
        for n in sorted(inside, key=lambda x: _pos(x) if hasattr(x, "lineno") else (0, 0)):
            if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                    and isinstance(n.func.value, ast.Name) and n.func.value.id == name
                    and n.func.attr in _POOL_ASYNC):
                continue
            if any(j.func.attr == "join" and _pos(j) > _pos(n) for j in joins):
                continue  # close(); join() in the block: every task has finished
            holder, later = self._holder(tree, n)
            if later is False:
                continue
            if holder is None:
                msg = ("the result of '%s.%s' is dropped inside 'with'; the block's exit "
                       "terminates the pool, and a task still pending is silently lost"
                       % (name, n.func.attr))
                out.append(finding("mp-pool-not-joined", n, msg,
                                   [(with_stmt, "the pool is terminated when this block ends")]))
                continue
            uses = [u for u in _loads(tree.region(n), holder, _pos(n))
                    if not self._appends_to(tree, u)]
            if any(_pos(u) < end and u in inside for u in uses):
                continue
            after = [u for u in uses if _pos(u) > end]
            notes = [(with_stmt, "the pool is terminated when this block ends")]
            if after:
                notes.append((after[0], "'%s' is used here, after the pool is gone" % holder))
            out.append(finding("mp-pool-not-joined", n,
                               "the result of '%s.%s', kept in '%s', is not waited for inside "
                               "'with'; the block's exit terminates the pool, and a task still "
                               "pending is silently lost" % (name, n.func.attr, holder),
                               notes))
        return out

    @staticmethod
    def _appends_to(tree, use):
        p = tree.parent.get(use)
        return (isinstance(p, ast.Attribute) and p.attr in ("append", "extend", "add", "insert")
                and isinstance(tree.parent.get(p), ast.Call))

    @staticmethod
    def _holder(tree, n):
        """Where an async result goes: (None, None) dropped; (name, None) bound to name, or to a
        container name through append(); (None, False) consumed or passed on."""
        p = tree.parent.get(n)
        if isinstance(p, ast.Expr):
            return None, None
        if isinstance(p, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and p.elt is n:
            n, p = p, tree.parent.get(p)
        if isinstance(p, ast.Assign) and len(p.targets) == 1 and isinstance(p.targets[0],
                                                                             ast.Name):
            return p.targets[0].id, None
        if (isinstance(p, ast.Call) and n in p.args and isinstance(p.func, ast.Attribute)
                and p.func.attr in ("append", "extend", "add", "insert")
                and isinstance(p.func.value, ast.Name)):
            return p.func.value.id, None
        return None, False  # iterated, handed to a call, returned: consumed or passed on

    # -- mp-leaked-ipc-name -------------------------------------------------------------------

    def _shm(self, tree, make, inst, finding):
        for call, obj, method in self.acts.values():
            if obj.kind == "shm" and method == "unlink":
                return []  # a block attached by name is unlinked: the name may be this one's
        name, how = _bound_name(tree, make)
        rule = "mp-leaked-ipc-name"
        msg = ("%s made with a new name is never unlinked; the block stays in /dev/shm after "
               "every process has exited" % inst.qual)
        if how == "chained":
            if tree.parent[make].attr == "unlink":
                return []
            return [finding(rule, make, msg)]
        if name is None:
            return []
        region = tree.region(make)
        status = self._disposes(tree, region, name, _pos(make), 0)
        if status == "kept" and isinstance(region, ast.Module):
            status = "passed" if used_in_functions(region, name) else "kept"
        if status != "kept":
            return []
        notes = []
        if how == "with":
            notes.append((tree.parent[tree.parent[make]], "leaving 'with' closes the block; it does not "
                                             "unlink it"))
        return [finding(rule, make, "%s '%s' is created and never unlinked; the block stays in "
                                    "/dev/shm after every process has exited"
                        % (inst.qual, name), notes)]

    def _disposes(self, tree, region, name, after, depth):
        """What region does with name: 'unlinked', 'passed' (out of sight), or 'kept'."""
        helpers = tree.functions()
        status = "kept"
        for use in _loads(region, name, after):
            p = tree.parent.get(use)
            if isinstance(p, ast.Attribute) and p.value is use:
                if p.attr == "unlink":
                    return "unlinked"
                if p.attr == "shm":  # ShareableList.shm
                    q = tree.parent.get(p)
                    if isinstance(q, ast.Attribute) and q.attr == "unlink":
                        return "unlinked"
                continue
            if isinstance(p, ast.withitem) or isinstance(p, ast.Subscript):
                continue
            if isinstance(p, ast.Call) and use in p.args and isinstance(p.func, ast.Name) \
                    and p.func.id in helpers and depth < 4:
                fn = helpers[p.func.id]
                params = fn.args.args
                index = p.args.index(use)
                if index < len(params):
                    inner = self._disposes(tree, fn, params[index].arg, (0, 0), depth + 1)
                    if inner != "kept":
                        return inner
                    continue
            status = "passed"
        return status

    # -- mp-join-before-drain -----------------------------------------------------------------

    def _joins(self, tree, finding):
        out = []
        helpers = tree.functions()
        for call, obj, method in self.acts.values():
            if obj.kind != "process" or method != "join":
                continue
            t = call.arg(0, "timeout")
            if t is not None and not (isinstance(t[0], ast.Constant) and t[0].value is None):
                continue  # join(timeout): the caller comes back and may drain
            made = self.made.get(id(obj.node))
            if made is None:
                continue
            ctor = made[0]
            target = ctor.arg(1, "target")
            if target is None or not isinstance(target[1], Function):
                continue
            fn = target[1].node
            home, fn_tree, fn_helpers = target[1].home, tree, helpers
            if home is not None and home.tree is not tree.module:
                # A function of another module of the run: read with that module's helpers.
                fn_tree = Tree.of(home.tree)
                fn_helpers = fn_tree.functions()
            for param, channel in self._channels(ctor, fn, self.evaluate):
                fill = self._fill(fn_tree, fn, param, channel, fn_helpers, 0)
                if fill is None:
                    continue
                fill_node, why = fill
                if self._drained_before(tree, call.node, channel, ctor.node):
                    continue
                kind = channel.qual if channel.kind == "queue" else "pipe"
                if channel.qual == "SimpleQueue":
                    tail = ("SimpleQueue.put writes into the pipe itself, so the child blocks in "
                            "put() until the parent reads")
                elif channel.kind == "queue":
                    tail = ("a child that put data on a %s does not exit until the data is "
                            "flushed into the pipe, which waits for the parent to read" % kind)
                else:
                    tail = "the child blocks in send() once the pipe is full"
                out.append(finding(
                    "mp-join-before-drain", call.node,
                    "Process joined before the %s it fills is drained: %s, and a payload larger "
                    "than the pipe buffer (64 KiB) deadlocks both" % (kind, tail),
                    [(fill_node, "the child %s here" % why),
                     (channel.node, "the %s is made here" % kind)]))
                break
        return out

    @staticmethod
    def _channels(ctor, fn, evaluate):
        """(parameter name of fn, queue or connection Instance) passed in the Process's args."""
        params = [a.arg for a in fn.args.args]
        out = []
        args = ctor.arg(3, "args")
        if args is not None and hasattr(args[1], "items"):
            for i, (_, v) in enumerate(args[1].items):
                if isinstance(v, Instance) and v.kind in ("queue", "connection") and i < len(
                        params):
                    out.append((params[i], v))
        kwargs = ctor.arg(4, "kwargs")
        if kwargs is not None and isinstance(kwargs[0], ast.Dict):
            for k, v in zip(kwargs[0].keys, kwargs[0].values):
                if isinstance(k, ast.Constant) and k.value in params:
                    value = evaluate(v, ctor.frame, quiet=True)
                    if isinstance(value, Instance) and value.kind in ("queue", "connection"):
                        out.append((k.value, value))
        return out

    def _fill(self, tree, fn, param, channel, helpers, depth):
        """Where fn writes into param in a way that may exceed the pipe: (node, description)."""
        calls = [n for n in ast.walk(fn) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
                 and n.func.value.id == param]
        if any(c.func.attr == "cancel_join_thread" for c in calls):
            return None  # the child exits without waiting for its data to reach the pipe
        for c in calls:
            if c.func.attr not in _FILLS:
                continue
            if any(isinstance(a, (ast.For, ast.AsyncFor, ast.While))
                   for a in tree.enclosing(c, fn)):
                return c, "writes in a loop"
            if not c.args or not (self._small(c.args[0]) or self._small_local(fn, c.args[0])
                                  or self._caught_exception(tree, c, c.args[0], fn)):
                return c, "writes something of unknown size"
        if depth >= 3:
            return None
        for n in ast.walk(fn):
            if (isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in helpers
                    and helpers[n.func.id] is not fn):
                for i, a in enumerate(n.args):
                    h = helpers[n.func.id]
                    if isinstance(a, ast.Name) and a.id == param and i < len(h.args.args):
                        inner = self._fill(tree, h, h.args.args[i].arg, channel, helpers,
                                           depth + 1)
                        if inner is not None:
                            if any(isinstance(x, (ast.For, ast.AsyncFor, ast.While))
                                   for x in tree.enclosing(n, fn)):
                                return n, "calls '%s' in a loop, which writes" % n.func.id
                            return inner
        return None

    @staticmethod
    def _caught_exception(tree, call, e, fn):
        """`except ... as e: q.put(e)`: an exception pickles as its class and args, without its
        traceback (the handler runs instead of the try body's write: one message either way)."""
        if not isinstance(e, ast.Name):
            return False
        for a in tree.enclosing(call, fn):
            if isinstance(a, ast.ExceptHandler) and a.name == e.id:
                return True
        return False

    def _small_local(self, fn, e):
        """A local of fn every assignment of which is small (`n = 0` ... `n += len(x)`): a
        counter, not a payload."""
        if not isinstance(e, ast.Name) or e.id in {a.arg for a in ast.walk(fn.args)
                                                   if isinstance(a, ast.arg)}:
            return False
        found = False
        for n in walk_code(fn.body):
            if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                if any(isinstance(x, ast.Name) and x.id == e.id for t in targets
                       for x in ast.walk(t)):
                    # Not a container: `found = []` grows through `found.append(x)`.
                    if not (len(targets) == 1 and isinstance(targets[0], ast.Name)
                            and n.value is not None and self._small(n.value)
                            and not isinstance(n.value, (ast.Tuple, ast.List))):
                        return False
                    found = True
            elif isinstance(n, (ast.For, ast.AsyncFor, ast.withitem, ast.NamedExpr,
                                ast.comprehension)):
                target = n.optional_vars if isinstance(n, ast.withitem) else n.target
                if target is not None and any(isinstance(x, ast.Name) and x.id == e.id
                                              for x in ast.walk(target)):
                    return False
        return found

    def _small(self, e):
        if isinstance(e, ast.Constant):
            return not isinstance(e.value, (str, bytes)) or len(e.value) <= _SMALL_CONSTANT
        if isinstance(e, (ast.Tuple, ast.List)) and len(e.elts) <= 16:
            return all(self._small(x) for x in e.elts)
        if isinstance(e, ast.UnaryOp):
            return self._small(e.operand)
        if isinstance(e, ast.Call):
            f = e.func
            name = f.id if isinstance(f, ast.Name) else (
                f.value.id + "." + f.attr if isinstance(f, ast.Attribute)
                and isinstance(f.value, ast.Name) else "")
            return name in _SMALL_CALLS
        return False

    def _drained_before(self, tree, join, channel, ctor_node):
        """Whether the joining code reads the channel before the join, or hands it to someone
        else who may (another thread or process, a helper)."""
        region = tree.region(join)
        for call, obj, method in self.acts.values():
            if obj.node is channel.node and method in _DRAINS:
                if tree.region(call.node) is not region or _pos(call.node) < _pos(join):
                    return True
                # A read after the join but in the loop that holds it runs before the next join.
                for a in tree.enclosing(join, region):
                    if isinstance(a, (ast.For, ast.While)) and call.node in set(ast.walk(a)):
                        return True
        # Given to any call but its producer's Process: someone else may read it.
        for n in ast.walk(tree.module):
            if isinstance(n, ast.Call) and n is not ctor_node and n is not channel.node:
                for a in list(n.args) + [k.value for k in n.keywords]:
                    for x in ast.walk(a):
                        if isinstance(x, ast.Name) and self._names_channel(x, channel, tree):
                            if not self._inside_ctor_args(tree, x, ctor_node):
                                return True
        return False

    def _names_channel(self, name_node, channel, tree):
        """Whether a Name is bound to the channel: `q = Queue()` or `a, b = Pipe()`, used in the
        function that made it or in one nested there (names only; values are not tracked
        here)."""
        made = tree.parent.get(channel.node)
        if isinstance(made, ast.Assign):
            for t in made.targets:
                for x in ast.walk(t):
                    if isinstance(x, ast.Name) and x.id == name_node.id:
                        scope = tree.region(made)
                        return any(a is scope for a in tree.enclosing(name_node, None))
        return False

    @staticmethod
    def _inside_ctor_args(tree, x, ctor_node):
        n = x
        while n is not None:
            if n is ctor_node:
                return True
            n = tree.parent.get(n)
        return False
