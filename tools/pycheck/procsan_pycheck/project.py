"""The modules of the run, for names imported from one of them into another.

Every file of the run has a module name: its path below its package root (the first directory
up without an `__init__.py`), so `pkg/util.py` is `pkg.util` and a script is its own stem. An
import in one file (`from .util import make_pool`, `import pkg.ctx as ctx`, `from pkg import
work`) names another file of the run when that module name belongs to one; relative imports
resolve against the importing file's package, absolute ones against its own root first and
else against the one file of the run with that name (two files with it: unknown). A module that
is not in the run is unknown, which the rules read as silence.

A module's *summary* is what its names mean at module level: the interpreter (model.py) walks
its module-level statements alone, without events, without walking function bodies, and with
the names it imports from other modules of the run kept as references (ImportRef) rather than
looked up, so that each summary depends on its own file only: the same whoever asks first, and
whatever the order of the files or the number of jobs. The interpreter of the analysed file
looks references up when it evaluates a name (model.Interpreter.resolve). Summaries are made on
demand, once per process (the checker's workers are forked after this index is made: each keeps
its own), from the index the walk of the run's directories gives before any rule runs.
"""
import ast
import os

# Top-level modules the model knows by name (model.py): never taken for a file of the run, so
# that analysing CPython's Lib/ (where multiprocessing/ is one of the files) keeps their
# meaning.
KNOWN = {"multiprocessing", "concurrent", "threading", "functools", "_thread", "io", "codecs",
         "gzip", "bz2", "lzma", "tempfile", "builtins", "torch"}


# Words in the text of a module that may make or use processes (or name what does: a context,
# a Pool). Plain substrings: a regular expression with alternatives is 100 times slower.
_MP_WORDS = (b"multiprocessing", b"concurrent", b"shared_memory", b"get_context", b"Process",
             b"Pool")


def mp_text(data):
    return any(w in data for w in _MP_WORDS)


class ProjectModule:
    """A module of the run, imported as a module (`import pkg.util`, `from . import util`);
    importer: the path of the file whose import names it."""

    def __init__(self, name, importer):
        self.name = name
        self.importer = importer
        self.node = None


class ImportRef:
    """A name another module of the run binds at module level (`from .ctx import CTX`), looked
    up when used."""

    def __init__(self, path, name):
        self.path = path
        self.name = name
        self.node = None


class Summary:
    def __init__(self, path, tree, text, interp):
        self.path = path
        self.tree = tree
        self.text = text
        self.interp = interp
        self._nodes = None

    def holds(self, node):
        if self._nodes is None:
            self._nodes = {id(n) for n in ast.walk(self.tree)}
        return id(node) in self._nodes


class Project:
    def __init__(self, files):
        self._packages = {}  # directory -> whether it holds __init__.py
        self.modules = {}  # (root, module name) -> path
        self.by_name = {}  # module name -> [path]
        self.of_path = {}  # real path -> (root, module name, is a package)
        self.packages = set()  # (root, dotted prefix of a module name)
        self.package_names = {}  # dotted prefix -> how many roots have it
        self._summaries = {}
        self.given = {}  # real path -> the path as the run names it
        for f in files:
            path = os.path.realpath(f)
            root, name, package = self._name(path)
            if not name:
                continue
            self.of_path[path] = (root, name, package)
            self.given[path] = f
            self.modules.setdefault((root, name), path)
            self.by_name.setdefault(name, []).append(path)
            parts = name.split(".")
            for i in range(1, len(parts)):
                prefix = ".".join(parts[:i])
                if (root, prefix) not in self.packages:
                    self.packages.add((root, prefix))
                    self.package_names[prefix] = self.package_names.get(prefix, 0) + 1

    def _is_package(self, directory):
        v = self._packages.get(directory)
        if v is None:
            v = self._packages[directory] = os.path.isfile(os.path.join(directory, "__init__.py"))
        return v

    def _name(self, path):
        directory, base = os.path.split(path)
        stem = base[:-3] if base.endswith(".py") else None
        if stem is None or not stem.isidentifier() and stem != "__init__":
            return None, None, False
        parts = [] if stem == "__init__" else [stem]
        while self._is_package(directory):
            parent, pkg = os.path.split(directory)
            if not pkg.isidentifier() or parent == directory:
                break
            parts.insert(0, pkg)
            directory = parent
        return directory, ".".join(parts), stem == "__init__"

    # -- imports ------------------------------------------------------------------------------

    def module(self, importer, name):
        """The path of the run's module `name` as `importer` (a path) sees it, or None."""
        where = self.of_path.get(importer)
        if where is not None:
            path = self.modules.get((where[0], name))
            if path is not None:
                return path
        found = self.by_name.get(name)
        if found and len(found) == 1:
            return found[0]
        return None

    def absolute(self, importer, level, module):
        """The module name `from <level dots><module> import ...` means in importer, or None
        (the dots go above the package root, or importer is not in the run)."""
        if not level:
            return module
        where = self.of_path.get(importer)
        if where is None:
            return None
        root, name, package = where
        parts = name.split(".") if name else []
        if not package:
            parts = parts[:-1]
        up = level - 1
        if up > len(parts):
            return None
        parts = parts[:len(parts) - up]
        if module:
            parts += module.split(".")
        return ".".join(parts) if parts else None

    def known(self, name):
        return name.split(".")[0] in KNOWN

    def member(self, importer, module, attr):
        """What `attr` of the run's module `module` is: a submodule (ProjectModule), a name it
        binds (ImportRef), or None when the module is not in the run."""
        sub = module + "." + attr
        if self.module(importer, sub) is not None or self._namespace(importer, sub):
            return ProjectModule(sub, importer)
        path = self.module(importer, module)
        if path is None:
            return None
        return ImportRef(path, attr)

    def _namespace(self, importer, name):
        """Whether name is a package of the run (a directory with modules of the run below it,
        with or without its own __init__.py)."""
        where = self.of_path.get(importer)
        if where is not None and (where[0], name) in self.packages:
            return True
        return self.package_names.get(name) == 1

    # -- summaries ----------------------------------------------------------------------------

    def summary(self, path, wide):
        """The module's Summary, or None (unreadable, not Python this interpreter parses).
        wide: the asking module may make processes itself, so that any name of the module may
        matter to it (a task function, a lambda); else only a module whose text may make or use
        processes is read (mp_text): the others hold nothing a rule of the asking module could
        use, and reading them all would cost as much as the run (CPython's Lib/ imports itself
        everywhere)."""
        if path in self._summaries:
            return self._summaries[path]
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            self._summaries[path] = None
            return None
        mp = mp_text(data)
        if not (wide or mp):
            return None
        self._summaries[path] = None
        try:
            tree = compile(data, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        from .model import Interpreter
        tree._procsan_path = path
        interp = Interpreter(tree, NullListener(), project=self, path=path, summary=True,
                             interested=mp)
        try:
            interp.run()
        except RecursionError:
            return None
        self._summaries[path] = Summary(path, tree, data, interp)
        return self._summaries[path]

    def file_of(self, node):
        """(path, text lines) of the summarized module that holds node, or None."""
        for s in self._summaries.values():
            if s is not None and s.holds(node):
                return s
        return None


class NullListener:
    def on_call(self, call):
        pass

    def on_with(self, item, value, frame):
        pass

    def on_foreign_call(self, call):
        pass
