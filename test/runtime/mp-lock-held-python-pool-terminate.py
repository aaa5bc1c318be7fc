# RUN: %procsan run --hang-timeout=20 --rules=mp-lock-held-at-exit -- %python %s 2>&1 | FileCheck %s
# Pool.terminate() (also through `with Pool(...)`) takes the task queue's read Lock and never
# releases it: the workers are being killed, and the process that keeps it is the last one
# that could take it. Not a lock held at exit, under any start method. The look-alike, a worker
# that exits holding a Lock its parent then still uses, is reported.
import multiprocessing as mp
import sys


def square(x):
    return x * x


def keep(lock):
    lock.acquire()


if __name__ == "__main__":
    for method in ("fork", "spawn", "forkserver"):
        ctx = mp.get_context(method)
        with ctx.Pool(2) as pool:
            assert sum(pool.map(square, range(10))) == 285
    ctx = mp.get_context("fork")
    lock = ctx.Lock()
    p = ctx.Process(target=keep, args=(lock,))
    p.start()
    p.join()
    print("taken elsewhere:", not lock.acquire(timeout=0.2), file=sys.stderr)
# CHECK: taken elsewhere: True
# CHECK: procsan: error: process {{[0-9]+}} ({{.*}}) exited with status 0 while holding the named semaphore '/mp-{{.*}}' (the multiprocessing Lock created at {{.*}}mp-lock-held-python-pool-terminate.py:24 in <module>) {{.*}} [mp-lock-held-at-exit]
# CHECK-NOT: mp-lock-held-at-exit
# CHECK: procsan: 1 finding
