#!/usr/bin/env python3
"""Runs unittest modules and records every test's outcome, one JSON line per test.

usage: ut_record.py --out FILE [-k PATTERN ...] MODULE [MODULE ...]

Used by run.py for suites that are plain unittest (CPython's, multiprocess's copy of it): the
test output still goes to stderr as unittest writes it; FILE gets {"test": id, "outcome": ...}.
"""
import argparse
import json
import sys
import time
import unittest


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("-k", action="append", default=[])
    ap.add_argument("modules", nargs="+")
    opts = ap.parse_args()
    out = open(opts.out, "w", buffering=1)

    class Recorder(unittest.TextTestResult):
        def startTest(self, test):
            self._t0 = int(time.monotonic() * 1e6)
            super().startTest(test)

        def _note(self, test, outcome):
            # start/end: CLOCK_MONOTONIC in microseconds, the clock of procsan's start_us/end_us,
            # so a finding's processes can be matched to the test that was running.
            out.write(json.dumps({"test": test.id(), "outcome": outcome,
                                  "start_us": getattr(self, "_t0", None),
                                  "end_us": int(time.monotonic() * 1e6)}) + "\n")

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

        def addSubTest(self, test, subtest, err):
            super().addSubTest(test, subtest, err)
            if err is not None:
                self._note(subtest, "fail")

    loader = unittest.TestLoader()
    if opts.k:
        loader.testNamePatterns = ["*%s*" % p if "*" not in p else p for p in opts.k]
    suite = unittest.TestSuite()
    for name in opts.modules:
        suite.addTests(loader.loadTestsFromName(name))
    try:
        from test import support
        support.verbose = False
    except ImportError:
        pass
    runner = unittest.TextTestRunner(resultclass=Recorder, verbosity=2, stream=sys.stderr)
    result = runner.run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
