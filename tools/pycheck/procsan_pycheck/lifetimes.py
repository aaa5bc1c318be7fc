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

from .model import Function, Instance

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


def _has_call_or_exit(stmts):
    for s in stmts:
        for n in ast.walk(s):
            if isinstance(n, (ast.Call, ast.Return, ast.Raise, ast.Break, ast.Continue, ast.Await,
                              ast.Yield, ast.YieldFrom)):
                return True
    return False


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
        tree = Tree(module)
        out = []
        for call, inst in self.made.values():
            if inst.kind in ("pool", "executor"):
                out.extend(self._pool(tree, call.node, inst, make_finding))
            elif inst.kind == "shm-created":
                out.extend(self._shm(tree, call.node, inst, make_finding))
        out.extend(self._joins(tree, make_finding))
        return out

    # -- mp-pool-not-joined -------------------------------------------------------------------

    def _pool(self, tree, make, inst, finding):
        what = inst.qual
        name, how = _bound_name(tree, make)
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
        if isinstance(region, ast.Module) and self._used_in_functions(region, name):
            return []
        if not ends:
            if closed is not None and inst.kind == "pool":
                return [finding(rule, make, "Pool '%s' is closed but never joined: nothing waits "
                                            "for its workers to finish their tasks and exit"
                                % name, [(closed, "it is closed here")])]
            return [finding(rule, make, "%s '%s' is neither used as a context manager nor %s; "
                                        "its worker processes are left running"
                            % (what, name, self._ended(inst)))]
        if self._covered(tree, stmt, ends, region):
            return []
        first = min(ends, key=_pos)
        return [finding(rule, make, "%s '%s' is %s only on some paths: an exception or an early "
                                    "exit before line %d leaves its worker processes running; "
                                    "use 'with', or end it in 'finally'"
                        % (what, name, self._ended(inst), first.lineno),
                        [(first, "it is ended here, on the normal path only")])]

    @staticmethod
    def _ended(inst):
        return "closed and joined" if inst.kind == "pool" else "shut down"

    @staticmethod
    def _used_in_functions(module, name):
        for f in ast.walk(module):
            if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                for n in ast.walk(f):
                    if isinstance(n, ast.Name) and n.id == name:
                        return True
        return False

    def _covered(self, tree, stmt, ends, region):
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
                        return not _has_call_or_exit(block[i + 1:j])
                if isinstance(s, ast.Expr) and s.value in ends:
                    return not _has_call_or_exit(block[i + 1:j])
                return False
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
            status = "passed" if self._used_in_functions(region, name) else "kept"
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
            for param, channel in self._channels(ctor, fn, self.evaluate):
                fill = self._fill(tree, fn, param, channel, helpers, 0)
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
            if not c.args or not self._small(c.args[0]):
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
