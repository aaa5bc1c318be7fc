#!/usr/bin/env python3
"""Time `procsan check` on a tree of Python sources against `python3 -m py_compile` of the same
files, with the same interpreter.

usage: bench/python_check_speed.py [--lib DIR] [--python PATH] [--procsan PATH] [-j N]
                                   [--repeat N]

The default tree is the `Lib/` of pyenv's CPython 3.13 (about 700k lines), checked with that
CPython's own interpreter (its grammar is the one Lib/ is written in). procsan walks the tree
itself (skipping what it always skips: hidden directories, __pycache__, site-packages,
virtualenvs); py_compile gets the same files, found with procsan's own walk (files.py), in one
process: `py_compile.compile()` of each, as `python3 -m py_compile -` does but without stopping at
the first file that does not compile, writing the .pyc files under a temporary
PYTHONPYCACHEPREFIX.
Prints the best-of-N wall times, the ratio, and lines per second. The budget (DESIGN.md §5) is
CPython's Lib/ in under 60 s on 2 cores. Ratios, not seconds, are comparable across machines.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_speed import best_of  # noqa: E402  (one timing loop for both speed benchmarks)

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def default_lib():
    for home in (os.path.expanduser("~"), "/root"):
        found = sorted(glob.glob(os.path.join(home, ".pyenv/versions/3.13*/lib/python3.13")))
        if found:
            return found[-1]
    return ""


def lib_python(lib):
    """The interpreter of an installed Lib/: PREFIX/lib/python3.X -> PREFIX/bin/python3.X."""
    prefix = os.path.dirname(os.path.dirname(lib))
    py = os.path.join(prefix, "bin", os.path.basename(lib))
    return py if os.access(py, os.X_OK) else sys.executable


_PY_COMPILE = """import py_compile, sys
for name in sys.stdin.read().splitlines():
    py_compile.compile(name, quiet=2)
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", default=default_lib())
    ap.add_argument("--python", default="")
    ap.add_argument("--procsan", default=os.path.join(TOP, "build", "bin", "procsan"))
    ap.add_argument("-j", dest="jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--repeat", type=int, default=3)
    opts = ap.parse_args()
    if not opts.lib or not os.path.isdir(opts.lib):
        sys.exit("no Lib/ tree: pass --lib DIR (pyenv's CPython 3.13 was not found)")
    python = opts.python or lib_python(opts.lib)

    sys.path.insert(0, os.path.join(TOP, "tools", "pycheck"))
    from procsan_pycheck.files import expand
    files, _ = expand([opts.lib])
    lines = 0
    for f in files:
        with open(f, "rb") as fh:
            lines += fh.read().count(b"\n")

    report = tempfile.NamedTemporaryFile(prefix="procsan-bench-", suffix=".json", delete=False)
    report.close()
    status = []

    def run_procsan():
        r = subprocess.run([opts.procsan, "check", "--python=" + python, "-j", str(opts.jobs),
                            "--quiet", "--format=json", "--output=" + report.name, opts.lib],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        status.append((r.returncode, r.stderr))

    cache = tempfile.mkdtemp(prefix="procsan-bench-pyc-")
    listing = "\n".join(files) + "\n"

    def run_py_compile():
        shutil.rmtree(cache, ignore_errors=True)
        env = dict(os.environ, PYTHONPYCACHEPREFIX=cache)
        # What `python3 -m py_compile -` does for each file, without its stop at the first
        # file that does not compile (Lib/ has a few, on purpose).
        subprocess.run([python, "-c", _PY_COMPILE], input=listing.encode(), env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    t_compile = best_of(opts.repeat, run_py_compile)
    t_procsan = best_of(opts.repeat, run_procsan)
    shutil.rmtree(cache, ignore_errors=True)

    import json
    with open(report.name) as f:
        doc = json.load(f)
    os.unlink(report.name)
    findings = len(doc.get("findings", []))
    code, stderr = status[-1]
    not_analyzed = [l for l in stderr.decode(errors="replace").splitlines()
                    if "not analyzed" in l]
    print(f"tree:                 {opts.lib}")
    print(f"interpreter:          {python} "
          f"({subprocess.run([python, '-V'], capture_output=True, text=True).stdout.strip()})")
    print(f"files, lines:         {len(files)}, {lines}")
    print(f"py_compile:           {t_compile:.2f} s (one process, best of {opts.repeat})")
    print(f"procsan check -j {opts.jobs}:   {t_procsan:.2f} s (best of {opts.repeat}; exit status "
          f"{code}, {findings} findings)")
    print(f"ratio:                {t_procsan / t_compile:.2f}x py_compile")
    print(f"lines/s:              {lines / t_procsan:,.0f} (py_compile: "
          f"{lines / t_compile:,.0f})")
    if not_analyzed:
        print("stderr:               " + not_analyzed[-1])
    print(f"budget:               {'met' if t_procsan < 60 else 'NOT met'} (under 60 s)")
    return 0 if code in (0, 1, 2) else 3


if __name__ == "__main__":
    sys.exit(main())
