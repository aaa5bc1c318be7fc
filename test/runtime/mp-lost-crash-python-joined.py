# RUN: %procsan run --rules=mp-lost-crash -- %python %s 2>&1 | FileCheck %s
# A test suite's failure paths: one worker segfaults, one is SIGKILLed (as by the OOM killer), one
# exits with 3; the parent joins each and asserts on exitcode. join() keeps the status in
# Process.exitcode: every failure was noticed, nothing is reported. A crash whose result the
# program waits for is still found: mp-lost-crash-python-segv.py, -pool-hang.py.
import ctypes
import multiprocessing as mp
import os
import signal
import sys


def segv():
    ctypes.string_at(0)


def oom():
    os.kill(os.getpid(), signal.SIGKILL)


def fail():
    sys.exit(3)


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    for target, expected in ((segv, -signal.SIGSEGV), (oom, -signal.SIGKILL), (fail, 3)):
        p = ctx.Process(target=target)
        p.start()
        p.join()
        assert p.exitcode == expected, (target.__name__, p.exitcode)
        print(target.__name__, "ended with", p.exitcode, "as expected")

# CHECK: segv ended with -11 as expected
# CHECK: oom ended with -9 as expected
# CHECK: fail ended with 3 as expected
# CHECK-NOT: mp-lost-crash
