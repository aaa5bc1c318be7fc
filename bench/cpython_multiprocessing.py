#!/usr/bin/env python3
"""CPython's own multiprocessing test suite (fork variant) bare and under `procsan run`:
compares the outcome of every test and lists procsan's findings (DESIGN.md §6: the runtime
changes nothing). Needs Debian's libpython3.11-testsuite (test._test_multiprocessing).

usage: bench/cpython_multiprocessing.py [--procsan PATH] [--only bare|procsan] [-k PATTERN]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def inner(out_path, patterns):
    """Runs the suite in this process, one JSON line per test into out_path."""
    import unittest
    import test._test_multiprocessing as tmp
    from test import support

    ns = {"__name__": "procsan_mp_suite"}
    tmp.install_tests_in_module_dict(ns, "fork")
    loader = unittest.TestLoader()
    if patterns:
        loader.testNamePatterns = ["*%s*" % p for p in patterns]
    suite = unittest.TestSuite()
    for name in sorted(ns):
        obj = ns[name]
        if isinstance(obj, type) and issubclass(obj, unittest.TestCase):
            suite.addTests(loader.loadTestsFromTestCase(obj))
    # The module's setUpModule/tearDownModule (shared resources, dangling-process checks).
    module = type(sys)("procsan_mp_suite")
    module.__dict__.update(ns)
    sys.modules["procsan_mp_suite"] = module
    for cls in {type(t) for t in _flatten(suite)}:
        cls.__module__ = "procsan_mp_suite"

    out = open(out_path, "w", buffering=1)

    class Recorder(unittest.TextTestResult):
        def _note(self, test, outcome):
            out.write(json.dumps({"test": test.id(), "outcome": outcome}) + "\n")

        def addSuccess(self, test):
            super().addSuccess(test)
            self._note(test, "pass")

        def addFailure(self, test, err):
            super().addFailure(test, err)
            self._note(test, "fail")

        def addError(self, test, err):
            super().addError(test, err)
            self._note(test, "error")

        def addSkip(self, test, reason):
            super().addSkip(test, reason)
            self._note(test, "skip")

        def addExpectedFailure(self, test, err):
            super().addExpectedFailure(test, err)
            self._note(test, "xfail")

        def addUnexpectedSuccess(self, test):
            super().addUnexpectedSuccess(test)
            self._note(test, "xpass")

    support.verbose = False
    runner = unittest.TextTestRunner(resultclass=Recorder, verbosity=1, stream=sys.stderr)
    result = runner.run(suite)
    return 0 if result.wasSuccessful() else 1


def _flatten(suite):
    for t in suite:
        if hasattr(t, "__iter__"):
            yield from _flatten(t)
        else:
            yield t


def run_once(cmd_prefix, patterns, workdir, tag):
    results = os.path.join(workdir, tag + ".jsonl")
    log = os.path.join(workdir, tag + ".log")
    cmd = cmd_prefix + [sys.executable, os.path.abspath(__file__), "--inner", results]
    for p in patterns:
        cmd += ["-k", p]
    start = time.monotonic()
    with open(log, "w") as f:
        status = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=workdir).returncode
    elapsed = time.monotonic() - start
    outcomes = {}
    if os.path.exists(results):
        for line in open(results):
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            outcomes[rec["test"]] = rec["outcome"]
    return status, elapsed, outcomes, log


def summary(outcomes):
    counts = {}
    for o in outcomes.values():
        counts[o] = counts.get(o, 0) + 1
    return " ".join(f"{k}={v}" for k, v in sorted(counts.items()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--procsan", default=os.path.join(TOP, "build", "bin", "procsan"))
    ap.add_argument("--inner")
    ap.add_argument("-k", action="append", default=[])
    ap.add_argument("--only", choices=["bare", "procsan"])
    ap.add_argument("--workdir")
    ap.add_argument("--hang-timeout", default="60")
    opts = ap.parse_args()
    if opts.inner:
        return inner(opts.inner, opts.k)
    try:
        import test._test_multiprocessing  # noqa: F401
    except ImportError:
        print("test._test_multiprocessing is missing: apt-get install libpython3.11-testsuite")
        return 2
    work = opts.workdir or tempfile.mkdtemp(prefix="procsan-mp-suite-")
    os.makedirs(work, exist_ok=True)
    runs = {}
    if opts.only != "procsan":
        runs["bare"] = run_once([], opts.k, work, "bare")
    if opts.only != "bare":
        report = os.path.join(work, "procsan-report.json")
        # The suite's own tests hang on purpose for a while (timeouts, joins): a long hang timeout
        # keeps the live detector for real hangs only.
        runs["procsan"] = run_once([opts.procsan, "run", "--hang-timeout", opts.hang_timeout,
                                    "--format=json", "--output", report, "--"],
                                   opts.k, work, "procsan")
    for tag, (status, elapsed, outcomes, log) in runs.items():
        print(f"{tag:8} exit {status:3}  {elapsed:7.1f} s  {len(outcomes)} tests: "
              f"{summary(outcomes)}   (log {log})")
    if len(runs) == 2:
        bare, traced = runs["bare"][2], runs["procsan"][2]
        differ = sorted(t for t in set(bare) | set(traced) if bare.get(t) != traced.get(t))
        print(f"tests whose outcome differs: {len(differ)}")
        for t in differ:
            print(f"  {t}: bare {bare.get(t, 'missing')}, procsan {traced.get(t, 'missing')}")
    if "procsan" in runs:
        report = os.path.join(work, "procsan-report.json")
        try:
            findings = json.load(open(report)).get("findings", [])
        except (OSError, ValueError):
            findings = None
        if findings is None:
            print("no procsan report")
        else:
            print(f"procsan findings: {len(findings)}")
            for f in findings:
                print(f"  [{f.get('rule')}] {f.get('message')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
