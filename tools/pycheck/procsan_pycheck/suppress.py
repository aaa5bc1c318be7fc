"""Suppression comments: `# noqa`, `# noqa: mp-a, mp-b`, `# NOLINT`, `# NOLINT(mp-a,mp-b)` on the
finding's line, and `# NOLINTNEXTLINE(...)` on the line before.

Only real comments count (tokenize tells them from `#` inside strings), and `# noqa: E501` names
another tool's codes, so it silences none of ours.
"""
import io
import re
import tokenize

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[\w\-]+(?:[\s,]+[\w\-]+)*))?", re.IGNORECASE)
_NOLINT = re.compile(r"\bNOLINT(?P<next>NEXTLINE)?\b(?:\((?P<codes>[^)]*)\))?")


def _names(codes):
    return {c for c in re.split(r"[\s,]+", codes) if c}


def _matches(names, rule):
    for n in names:
        if n == rule or (n.endswith("*") and rule.startswith(n[:-1])):
            return True
    return False


class Suppressions:
    def __init__(self, text):
        self._text = text
        self._comments = None  # line -> comment text, read at the first question

    def _load(self):
        self._comments = {}
        if "noqa" not in self._text.lower() and "NOLINT" not in self._text:
            return
        try:
            for tok in tokenize.generate_tokens(io.StringIO(self._text).readline):
                if tok.type == tokenize.COMMENT:
                    self._comments[tok.start[0]] = tok.string
        except (tokenize.TokenError, SyntaxError, IndentationError):
            pass

    def suppressed(self, line, rule):
        if self._comments is None:
            self._load()
        comment = self._comments.get(line)
        if comment:
            for m in _NOQA.finditer(comment):
                if m.group("codes") is None or _matches(_names(m.group("codes")), rule):
                    return True
            for m in _NOLINT.finditer(comment):
                if m.group("next"):
                    continue
                if m.group("codes") is None or _matches(_names(m.group("codes")), rule):
                    return True
        before = self._comments.get(line - 1)
        if before:
            for m in _NOLINT.finditer(before):
                if m.group("next") and (m.group("codes") is None
                                        or _matches(_names(m.group("codes")), rule)):
                    return True
        return False
