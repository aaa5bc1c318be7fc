"""pytest plugin (-p pytest_times): writes each test's start and end on CLOCK_MONOTONIC in
microseconds (the clock of procsan's process start_us/end_us) to $PROCSAN_BENCH_TIMES, one JSON
line per test, so run.py can say which test was running when a finding's processes lived."""
import json
import os
import time

_out = None


def pytest_runtest_logstart(nodeid, location):
    global _out
    path = os.environ.get("PROCSAN_BENCH_TIMES")
    if path and _out is None:
        _out = open(path, "a", buffering=1)
    if _out:
        _out.write(json.dumps({"test": nodeid, "start_us": int(time.monotonic() * 1e6)}) + "\n")


def pytest_runtest_logfinish(nodeid, location):
    if _out:
        _out.write(json.dumps({"test": nodeid, "end_us": int(time.monotonic() * 1e6)}) + "\n")
