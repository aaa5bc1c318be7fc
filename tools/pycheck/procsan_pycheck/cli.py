"""The checker's command line: `pycheck.py [--jobs N] [--list-rules] [--] PATHS...`, or
`pycheck.py --read-toml PYPROJECT` (pyproject.py).

Prints one JSON document on stdout:
  {"python": "3.11.2",
   "files": [{"path": P, "error": null | {"message", "line", "column", "source_line"}}],
   "findings": [{"file": P, "rule", "line", "column", "message", "source_line",
                 "notes": [{"line", "column", "message", "source_line",
                            "file" (only on a note in another file of the run)}],
                 "default_start_methods": [M...]  (only on findings that rest on the
                 platform's default start method: they hold where that default is one of M)}]}
Lines are 1-based; columns are 1-based byte columns, as Clang counts them. Paths are as given,
or as found under a directory given. A finding found while analysing one file may be in another
file of the run (a worker function imported from there): its "file" says which. Exit status 0
whenever the document was written.
"""
import ast
import gc
import json
import os
import sys
import tokenize
import traceback

from . import RULES
from .files import expand
from .lifetimes import Tree
from .model import Interpreter
from .project import Project, mp_text
from .rules import Rules
from .suppress import Suppressions


# The run's modules (project.py): made before any file is analysed, inherited by the workers.
_PROJECT = None


def _version():
    return "%d.%d" % sys.version_info[:2]


def _line(lines, n):
    return lines[n - 1] if 0 < n <= len(lines) else ""


def _column(lines, node):
    # col_offset counts UTF-8 bytes already: Clang's columns.
    return node.col_offset + 1


def analyse_file(path):
    """One file's entry and findings (dicts, as printed)."""
    entry = {"path": path, "error": None}
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        entry["error"] = {"message": "cannot read it: %s" % (e.strerror or e), "line": 0,
                          "column": 0, "source_line": ""}
        return entry, []
    try:
        encoding = tokenize.detect_encoding(iter(data.splitlines(True)).__next__)[0]
        text = data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):
        text = data.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    try:
        tree = compile(data, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as e:
        line = e.lineno or 0
        entry["error"] = {"message": "%s (Python %s's grammar)" % (e.msg, _version()),
                          "line": line, "column": e.offset or 0,
                          "source_line": _line(lines, line)}
        return entry, []
    except (ValueError, RecursionError, MemoryError) as e:
        entry["error"] = {"message": "cannot parse it: %s" % e, "line": 0, "column": 0,
                          "source_line": ""}
        return entry, []
    try:
        found = _run_rules(path, tree, mp_text(data))
    except RecursionError:
        entry["error"] = {"message": "not analyzed: nested too deeply", "line": 0, "column": 0,
                          "source_line": ""}
        return entry, []
    except Exception as e:  # a defect of the checker: this file only, the others go on
        where = traceback.extract_tb(e.__traceback__)[-1]
        entry["error"] = {"message": "not analyzed: internal error of procsan's Python checker "
                          "(%s: %s, at %s:%d; please report it with this file)"
                          % (type(e).__name__, e, os.path.basename(where.filename),
                             where.lineno),
                          "line": 0, "column": 0, "source_line": ""}
        return entry, []
    files = _Files(path, tree, text)
    out, seen = [], set()
    for f in sorted(found, key=lambda f: (files.order(f.node), f.node.lineno,
                                          f.node.col_offset, f.rule)):
        where = files.of(f.node)
        if where is None:
            continue  # not a node of a file of the run: nowhere to report it
        fpath, flines, fsuppressions = where
        line, column = f.node.lineno, _column(flines, f.node)
        key = (fpath, f.rule, line, column, f.message)
        if key in seen or fsuppressions.suppressed(line, f.rule):
            continue
        seen.add(key)
        notes = []
        for n, m in f.notes:
            nwhere = files.of(n)
            if nwhere is None:
                continue
            notes.append({"line": n.lineno, "column": _column(nwhere[1], n), "message": m,
                          "source_line": _line(nwhere[1], n.lineno)})
            if nwhere[0] != fpath:
                notes[-1]["file"] = nwhere[0]
        out.append({"file": fpath, "rule": f.rule, "line": line, "column": column,
                    "message": f.message, "source_line": _line(flines, line), "notes": notes})
        if getattr(f, "if_default", None):
            out[-1]["default_start_methods"] = list(f.if_default)
    return entry, out


class _Files:
    """Which file of the run a finding's or a note's node is in: the analysed one, or another
    module of the run whose summary the rules read (a function imported from there)."""

    def __init__(self, path, tree, text):
        self.path, self.tree, self.text = path, tree, text
        self._own = None
        self._found = {}

    def _owns(self, node):
        if self._own is None:
            self._own = Tree.of(self.tree).parent
        return node is self.tree or node in self._own

    def order(self, node):
        return 0 if self._owns(node) else 1

    def of(self, node):
        """(path as the run names it, lines, Suppressions), or None."""
        if self._owns(node):
            if None not in self._found:
                self._found[None] = (self.path, self.text.splitlines(), Suppressions(self.text))
            return self._found[None]
        s = _PROJECT.file_of(node) if _PROJECT is not None else None
        if s is None:
            return None
        if s.path not in self._found:
            text = _decode(s.text)
            self._found[s.path] = (_PROJECT.given.get(s.path, s.path), text.splitlines(),
                                   Suppressions(text))
        return self._found[s.path]


def _decode(data):
    try:
        encoding = tokenize.detect_encoding(iter(data.splitlines(True)).__next__)[0]
        text = data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):
        text = data.decode("utf-8", errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


def _run_rules(path, tree, interested=True):
    # For tests of the guard above: a file whose name ends with this suffix makes the checker
    # fail as a defect would.
    crash = os.environ.get("PROCSAN_PYCHECK_TEST_CRASH")
    if crash and path.endswith(crash):
        raise AssertionError("crash requested by PROCSAN_PYCHECK_TEST_CRASH")
    tree._procsan_path = path  # for the modules next to it (childwork.py)
    rules = Rules()
    interp = Interpreter(tree, rules, project=_PROJECT, path=path, interested=interested)
    rules.interp = interp
    interp.run()
    return rules.finish(interp.start_methods)


def _analyse_collected(path):
    """analyse_file, with the collector run by hand: after each file, its cyclic garbage is
    collected and what is left (the modules' summaries, which grow through the run) is frozen,
    so that no collection walks it again. The automatic collector walked those summaries and
    every file's syntax tree several times: it took a third of the run's time on CPython's
    Lib/."""
    try:
        return analyse_file(path)
    finally:
        gc.collect()
        gc.freeze()


def _analyse_all(files, jobs):
    gc.disable()
    try:
        if jobs > 1 and len(files) > 4 * jobs:
            import multiprocessing
            # fork: this process has no threads, and nothing here needs pickling but paths.
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                return pool.map(_analyse_collected, files, chunksize=8)
        return [_analyse_collected(f) for f in files]
    finally:
        gc.enable()


def main(argv):
    jobs, paths, i = 1, [], 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            paths.extend(argv[i + 1:])
            break
        if a == "--read-toml" and i + 1 < len(argv):
            from .pyproject import read
            own = os.environ.get("PROCSAN_PYCHECK_OWN_TOML") == "1"  # tests of the fallback
            json.dump(read(argv[i + 1], own), sys.stdout)
            sys.stdout.write("\n")
            return 0
        if a == "--list-rules":
            for rule in sorted(RULES):
                print(rule)
            return 0
        if a.startswith("--jobs="):
            jobs = int(a.split("=", 1)[1])
        elif a == "--jobs" and i + 1 < len(argv):
            i += 1
            jobs = int(argv[i])
        elif a.startswith("-"):
            sys.stderr.write("pycheck: unknown option '%s'\n" % a)
            return 2
        else:
            paths.append(a)
        i += 1
    files, missing = expand(paths)
    global _PROJECT
    _PROJECT = Project(files)
    entries, findings = [], []
    for path, why in missing:
        entries.append({"path": path, "error": {"message": why, "line": 0, "column": 0,
                                                "source_line": ""}})
    seen = set()
    for entry, found in _analyse_all(files, max(1, jobs)):
        entries.append(entry)
        for f in found:
            # A finding in another module of the run (a worker function imported from there)
            # may be found from several files that use it: once.
            key = (f["file"], f["rule"], f["line"], f["column"], f["message"])
            if key not in seen:
                seen.add(key)
                findings.append(f)
    json.dump({"python": "%d.%d.%d" % sys.version_info[:3], "files": entries,
               "findings": findings}, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0
