# RUN: %procsan run --hang-timeout=1 -- %python %s 2>&1 | FileCheck %s
# A test suite crashes a pool worker on purpose and handles it (BrokenProcessPool); a later test
# then waits out timeouts longer than --hang-timeout: a worker sleeps while the parent waits for
# its result with a timeout, then the parent sleeps itself. Waits with a timeout end by
# themselves: nothing is a hang, nothing is killed, the program's output is whole.
# The close positive, a crashed Pool worker whose task the parent waits for with no timeout, is
# mp-lost-crash-python-pool-hang.py.
import concurrent.futures as cf
import ctypes
import multiprocessing as mp
import time


def crash():
    ctypes.string_at(0)


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    with cf.ProcessPoolExecutor(1, mp_context=ctx) as ex:
        try:
            ex.submit(crash).result()
        except cf.process.BrokenProcessPool:
            print("broken pool handled")
    with cf.ProcessPoolExecutor(1, mp_context=ctx) as ex:
        try:
            list(ex.map(time.sleep, [0, 2.5], timeout=1.5))
        except cf.TimeoutError:
            print("map timed out as expected")
    time.sleep(2)
    print("done")

# CHECK: broken pool handled
# CHECK-NEXT: map timed out as expected
# CHECK-NEXT: done
# CHECK-NOT: procsan
