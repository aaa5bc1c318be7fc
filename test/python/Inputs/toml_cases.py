"""Compares procsan_pycheck.toml's own reader with tomllib (or, without tomllib, with the
expected values below). usage: toml_cases.py PYCHECK_DIR"""
import glob
import math
import os
import re
import sys

sys.path.insert(0, sys.argv[1])
from procsan_pycheck.toml import TomlError, loads  # noqa: E402

CASES = [  # (text, expected document or None for an error)
    ('a = 1\nb = "x"\n', {"a": 1, "b": "x"}),
    ('[tool.procsan]\nChecks = ["mp-*", \'-mp-x\']  # c\n', {"tool": {"procsan": {
        "Checks": ["mp-*", "-mp-x"]}}}),
    ('[t]\nx.y = 1\n[t.z]\nw = 0x1F\n', {"t": {"x": {"y": 1}, "z": {"w": 31}}}),
    ('s = """\nab\\\n   c"""\n', {"s": "abc"}),
    ("s = '''\nraw\\n'''\n", {"s": "raw\\n"}),
    ('[[a]]\nb = 1\n[[a]]\nb = 2\n', {"a": [{"b": 1}, {"b": 2}]}),
    ('i = { x = 1, y = [1, 2,] }\n', {"i": {"x": 1, "y": [1, 2]}}),
    ('d = 1979-05-27T07:32:00Z\nf = 1e3\nb = true\n', {"d": "1979-05-27T07:32:00Z",
                                                       "f": 1000.0, "b": True}),
    ('a = 1\na = 2\n', None),
    ('[a]\n[a]\n', None),
    ('a = "x\n', None),
    ('a = [1, 2\n', None),
    ('a = 1 b = 2\n', None),
    ('i = { x = 1 }\n[i]\n', None),
    ('[a.b]\n[a]\nb.c = 1\n', None),
    ('d = 2021-02-30\n', None),
    ('s = "\\q"\n', None),
]


def norm(v):
    import datetime
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, (datetime.date, datetime.time, datetime.datetime)):
        return "datetime"
    if isinstance(v, str) and re.match(r"\d{4}-\d\d-\d\d|\d\d:\d\d:\d\d", v):
        return "datetime"
    if isinstance(v, float) and math.isnan(v):
        return "nan"
    return v


def own(text):
    try:
        return norm(loads(text, force_own=True))
    except TomlError:
        return None


try:
    import tomllib
except ImportError:
    tomllib = None

texts = [(t, norm(e) if e is not None else None) for t, e in CASES]
if tomllib is not None:
    data = os.path.join(os.path.dirname(os.path.dirname(tomllib.__file__)), "test",
                        "test_tomllib", "data")
    for path in sorted(glob.glob(os.path.join(data, "*", "**", "*.toml"), recursive=True)):
        with open(path, "rb") as f:
            try:
                texts.append((f.read().decode("utf-8"), "tomllib"))
            except UnicodeDecodeError:
                pass
agree = disagree = 0
for text, expected in texts:
    if expected == "tomllib":
        try:
            expected = norm(tomllib.loads(text))
        except tomllib.TOMLDecodeError:
            expected = None
    got = own(text)
    if got == expected:
        agree += 1
    else:
        disagree += 1
        print("differs:", repr(text[:200]), "expected", expected, "got", got)
print("agree: %d, disagree: %d" % (agree, disagree))
