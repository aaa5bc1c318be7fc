"""Which files a run analyses: the .py files named, and those under the directories named.

Directories are walked in sorted order; skipped are hidden directories (.git, .tox, .venv, ...),
__pycache__, virtualenvs (any directory holding pyvenv.cfg) and, when a directory has a
.gitignore, the paths it ignores. A file named on the command line is always analysed.
"""
import fnmatch
import os
import re

_SKIPPED_DIRS = {"__pycache__", "node_modules", "site-packages"}


class _Pattern:
    """One .gitignore line, matched against a path relative to the .gitignore's directory."""

    def __init__(self, line):
        self.negated = line.startswith("!")
        if self.negated:
            line = line[1:]
        self.dir_only = line.endswith("/")
        line = line.rstrip("/")
        # A slash anywhere but at the end anchors the pattern to the .gitignore's directory.
        self.anchored = "/" in line
        line = line.lstrip("/")
        self.regex = re.compile(self._translate(line) + r"\Z")

    @staticmethod
    def _translate(pattern):
        out, i = [], 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                out.append(r"(?:.*/)?")
                i += 3
            elif pattern.startswith("/**", i) and i + 3 == len(pattern):
                out.append(r"/.*")
                i += 3
            elif pattern[i] == "*":
                out.append(r"[^/]*")
                i += 1
            elif pattern[i] == "?":
                out.append(r"[^/]")
                i += 1
            elif pattern[i] == "[":
                end = pattern.find("]", i + 1)
                if end < 0:
                    out.append(re.escape(pattern[i]))
                    i += 1
                else:
                    out.append(fnmatch.translate(pattern[i:end + 1])[4:-3])
                    i = end + 1
            else:
                out.append(re.escape(pattern[i]))
                i += 1
        return "".join(out)

    def matches(self, rel, is_dir):
        if self.dir_only and not is_dir:
            return False
        if self.anchored:
            return bool(self.regex.match(rel))
        return bool(self.regex.match(rel.rsplit("/", 1)[-1]))


def _read_gitignore(directory):
    try:
        with open(os.path.join(directory, ".gitignore"), encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    patterns = []
    for line in lines:
        line = line.rstrip()
        if line and not line.startswith("#"):
            patterns.append(_Pattern(line))
    return patterns


def _ignored(ignores, path, is_dir):
    """ignores: (directory, patterns) from the outermost .gitignore in; the last match wins."""
    verdict = False
    for directory, patterns in ignores:
        rel = os.path.relpath(path, directory).replace(os.sep, "/")
        for p in patterns:
            if p.matches(rel, is_dir):
                verdict = not p.negated
    return verdict


def _is_virtualenv(path):
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def expand(paths):
    """The files to analyse, in order, without duplicates; and the paths that are not there
    (path, why)."""
    files, missing, seen = [], [], set()

    def add(f):
        key = os.path.realpath(f)
        if key not in seen:
            seen.add(key)
            files.append(f)

    for path in paths:
        if os.path.isdir(path):
            found = list(_walk(path))
            if not found:
                missing.append((path, "a directory without Python files (C and C++ files are "
                                      "analyzed by name, or from a compilation database: -p)"))
            for f in found:
                add(f)
        elif os.path.exists(path):
            add(path)
        else:
            missing.append((path, "no such file or directory"))
    return files, missing


def _walk(top):
    ignores = []
    stack = [(top, ignores)]
    while stack:
        directory, inherited = stack.pop()
        patterns = _read_gitignore(directory)
        here = inherited + [(directory, patterns)] if patterns else inherited
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for e in entries:
            try:
                is_dir = e.is_dir()
            except OSError:
                continue
            if is_dir:
                if (e.name.startswith(".") or e.name in _SKIPPED_DIRS or _is_virtualenv(e.path)
                        or _ignored(here, e.path, True)):
                    continue
                subdirs.append(e.path)
            elif e.name.endswith(".py") and not _ignored(here, e.path, False):
                yield e.path
        # Depth first, in name order: the stack pops the first subdirectory first.
        for d in reversed(subdirs):
            stack.append((d, here))
