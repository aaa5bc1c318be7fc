"""mp-repeated-task-payload: the same large object pickled again and again, once per task.

A pool pickles each task (or each chunk of tasks) on its own: an object that every task carries
is copied, sent and unpickled anew every time, where `Pool(initializer=..., initargs=(big,))`
would send it once per worker. The shapes:
- `pool.starmap(f, [(big, x) for x in xs])` (and `map`, `imap*`, `*_async`, `zip(repeat(big),
  xs)`): every item holds it;
- `pool.map(partial(f, big), xs)`: every task holds the function, and the function holds it;
- `executor.submit(f, big, x)` or `pool.apply_async(f, (big, x))` in a loop or a comprehension.

"Large" needs evidence, never a guess: the name is bound, in the same function or at module
level, to something read from a file (`pd.read_csv(...)`, `np.load(...)`, `f.read()`,
`pickle.load(f)`, `list(open(p))`, and method chains on those) or built by a comprehension over
something that is not a short literal. Parameters, constants and anything else are not reported.
"""
import ast

from .lifetimes import Tree, _pos, loop_around
from .model import Instance, Partial

RULE = "mp-repeated-task-payload"
_MAPS = {"map", "map_async", "starmap", "starmap_async", "imap", "imap_unordered"}
_ONE_BY_ONE = {"apply", "apply_async", "submit"}
# Per item even without chunking: chunksize defaults to 1.
_PER_ITEM = {"imap", "imap_unordered"}
_FILE_READS = {"read", "readlines", "read_text", "read_bytes"}
_READERS = {"read_csv", "read_table", "read_parquet", "read_feather", "read_json", "read_excel",
            "read_hdf", "read_pickle", "read_sql", "read_sql_query", "read_sql_table",
            "read_orc", "read_stata", "read_sas", "read_fwf", "loadtxt", "genfromtxt",
            "fromfile", "imread", "open_dataset", "load_dataset"}
# `.load()` counts only on these modules, not on any object.
_LOAD_MODULES = {"np", "numpy", "pickle", "json", "joblib", "torch", "cloudpickle", "dill",
                 "scipy", "sp"}
_OPENERS = {"open", "io.open", "gzip.open", "bz2.open", "lzma.open", "Path", "pathlib.Path"}
_SMALL_RANGE = 64


def _dotted(e):
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, ast.Attribute):
        base = _dotted(e.value)
        return base + "." + e.attr if base else None
    return None


class Payloads:
    def __init__(self):
        self.sinks = []  # (Call, the pool or executor Instance, method)

    def on_call(self, call):
        obj = getattr(call.callee, "obj", None)
        if isinstance(obj, Instance) and obj.kind in ("pool", "executor"):
            name = call.callee.name
            if name in _MAPS or name in _ONE_BY_ONE:
                self.sinks.append((call, obj, name))

    def findings(self, module, make_finding):
        if not self.sinks:
            return []
        tree = Tree.of(module)
        out = []
        for call, pool, method in self.sinks:
            big, seen = [], set()
            for expr, why in self._carried(tree, call, pool, method):
                evidence = _big(tree, tree.region(call.node), expr, call.node)
                if evidence is not None and expr.id not in seen:
                    seen.add(expr.id)
                    big.append((expr, why, evidence))
            if not big:
                continue
            (expr, why, (bound, what)), others = big[0], big[1:]
            where = "Pool" if pool.kind == "pool" else "ProcessPoolExecutor"
            notes = [(bound, "'%s' is bound here" % expr.id)]
            for e, _, (b, w) in others:
                notes.append((b, "'%s' (%s), bound here, is sent the same way" % (e.id, w)))
            out.append(make_finding(
                RULE, expr,
                "'%s' (%s) is pickled and sent to the workers again %s; send it once per "
                "worker instead: %s(initializer=..., initargs=(%s,)) with a global set in the "
                "initializer, or multiprocessing.shared_memory for arrays"
                % (expr.id, what, why, where, expr.id), notes))
        return out

    def _carried(self, tree, call, pool, method):
        """(Name node, how often it is sent) for each name every task carries."""
        out = []
        where = "%s.%s" % ("Pool" if pool.kind == "pool" else "ProcessPoolExecutor", method)
        if method in _MAPS:
            chunks = call.arg(None, "chunksize")
            if chunks is None and len(call.args) > 2 and pool.kind == "pool":
                chunks = call.args[2]
            if chunks is not None and not (isinstance(chunks[0], ast.Constant)
                                           and chunks[0].value == 1):
                return []  # chunked on purpose: the caller chose how often it is sent
            per_item = method in _PER_ITEM or pool.kind == "executor" or chunks is not None
            often = ("with every task (%s sends each item as a task of its own)" % where
                     if per_item else
                     "with every chunk of tasks (%s sends about four chunks per worker, each "
                     "pickled on its own)" % where)
            fn = call.arg(0, "func" if pool.kind == "pool" else "fn")
            if fn is not None and isinstance(fn[1], Partial):
                node = fn[1].node
                for a in list(node.args[1:]) + [k.value for k in node.keywords]:
                    if isinstance(a, ast.Name):
                        out.append((a, often))
            it = call.arg(1, "iterable")
            if pool.kind == "executor" and len(call.args) > 1:
                it = call.args[1]
            if it is not None:
                for name in _every_item(it[0]):
                    out.append((name, often))
            return out
        # apply/apply_async/submit: once per call, so only in a loop or a comprehension.
        loop = loop_around(tree, call.node)
        if loop is None:
            return []
        if method == "submit":
            args = [a for a, _ in call.args[1:]] + [a for a, _ in call.kwargs.values()]
        else:
            a = call.arg(1, "args")
            args = list(a[0].elts) if a is not None and isinstance(a[0], (ast.Tuple,
                                                                          ast.List)) else []
        fn = call.arg(0, "func" if pool.kind == "pool" else "fn")
        if fn is not None and isinstance(fn[1], Partial):
            args += list(fn[1].node.args[1:]) + [k.value for k in fn[1].node.keywords]
        varying = _bound_in(loop)
        for a in args:
            if isinstance(a, ast.Name) and a.id not in varying:
                out.append((a, "with every %s call of the loop" % method))
        return out


def _every_item(e):
    """Names that every item of the iterable expression e holds."""
    if isinstance(e, (ast.ListComp, ast.GeneratorExp)):
        varying = set()
        for g in e.generators:
            varying |= {n.id for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        elt = e.elt
        items = elt.elts if isinstance(elt, (ast.Tuple, ast.List)) else [elt]
        return [x for x in items if isinstance(x, ast.Name) and x.id not in varying]
    if isinstance(e, ast.Call) and _dotted(e.func) in ("zip", "itertools.zip_longest"):
        out = []
        for a in e.args:
            if isinstance(a, ast.Call) and _dotted(a.func) in ("repeat", "itertools.repeat") \
                    and a.args and isinstance(a.args[0], ast.Name):
                out.append(a.args[0])
            elif isinstance(a, ast.BinOp) and isinstance(a.op, ast.Mult) and isinstance(
                    a.left, ast.List) and len(a.left.elts) == 1 and isinstance(
                    a.left.elts[0], ast.Name):
                out.append(a.left.elts[0])
        return out
    return []


def _bound_in(loop):
    """Names a loop or comprehension binds (its targets, and assignments in its body)."""
    names = set()
    targets = [loop.target] if isinstance(loop, (ast.For, ast.AsyncFor)) else [
        g.target for g in getattr(loop, "generators", [])]
    for t in targets:
        names |= {n.id for n in ast.walk(t) if isinstance(n, ast.Name)}
    for n in ast.walk(loop):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
    return names


def _big(tree, region, name, at):
    """(binding node, description) when name is bound to something evidently large, else None.
    The binding: the last plain assignment before `at` in region, or at module level when
    region does not bind the name at all."""
    for scope in (region, tree.module):
        stores = [n for n in ast.walk(scope) if isinstance(n, ast.Name) and n.id == name.id
                  and isinstance(n.ctx, (ast.Store, ast.Del))]
        params = []
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            a = scope.args
            params = [x.arg for x in getattr(a, "posonlyargs", []) + a.args + a.kwonlyargs]
        if name.id in params:
            return None
        if scope is not tree.module:
            # Names bound in nested functions are theirs, not region's.
            stores = [s for s in stores if tree.region(s) is scope]
        if not stores:
            if scope is tree.module:
                return None
            continue
        before = [s for s in stores if _pos(s) < _pos(at)]
        if not before:
            return None
        last = max(before, key=_pos)
        assign = tree.parent.get(last)
        if not (isinstance(assign, (ast.Assign, ast.AnnAssign)) and (
                getattr(assign, "targets", None) == [last] or getattr(assign, "target",
                                                                      None) is last)):
            return None
        what = _evidence(assign.value)
        return (assign, what) if what else None
    return None


def _evidence(v):
    """Why the value of v is large, or None."""
    if isinstance(v, (ast.ListComp, ast.DictComp, ast.SetComp)):
        for g in v.generators:
            if _short(g.iter):
                return None
        return "a collection built here"
    if not isinstance(v, ast.Call):
        return None
    f = v.func
    if isinstance(f, ast.Attribute):
        inner = f.value
        if isinstance(inner, ast.Call):
            if f.attr in _FILE_READS and _dotted(inner.func) in _OPENERS:
                return "the contents of a file"
            return _evidence(inner)  # a method chain on a read: pd.read_csv(p).dropna()
        if f.attr in _FILE_READS:
            return "the contents of a file"  # f.read(), path.read_text()
        if f.attr in _READERS:
            return "data loaded here"  # pd.read_csv(...), np.loadtxt(...)
        if f.attr in ("load", "load_npz") and (_dotted(inner) or "").split(".")[0] in \
                _LOAD_MODULES:
            return "data loaded here"  # np.load, pickle.load, torch.load
        return None
    name = _dotted(f)
    if name in ("list", "tuple", "dict", "set", "sorted", "bytes", "bytearray") and v.args:
        a = v.args[0]
        if isinstance(a, ast.Call) and _dotted(a.func) in _OPENERS:
            return "the lines of a file"
        if isinstance(a, ast.Call) and _dotted(a.func) == "range":
            return None if _short(a) else "a collection built here"
        return _evidence(a)
    return None


def _short(it):
    """An iterable that is evidently short: a literal of a few items, range(small constant)."""
    if isinstance(it, (ast.Tuple, ast.List, ast.Set)):
        return len(it.elts) <= _SMALL_RANGE
    if isinstance(it, ast.Call) and _dotted(it.func) == "range":
        if all(isinstance(a, ast.Constant) and isinstance(a.value, int) for a in it.args):
            vals = [a.value for a in it.args]
            span = vals[0] if len(vals) == 1 else vals[1] - vals[0]
            return span <= _SMALL_RANGE
    return False
