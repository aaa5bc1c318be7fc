# RUN: %procsan run --rules=mp-lock-held-at-exit -- %python %s 2>&1 | FileCheck %s
# RUN: %procsan run --rules=mp-unreaped-child -- %python %s 2>&1 | FileCheck --check-prefix=NAMES %s
# Pool.terminate() takes the task queue's read Lock and keeps it for good; the Pool's process is
# the last that could take it. Meanwhile a helper Process (which never touches the Pool) forked a
# grandchild that outlives it and is still sleeping when the program ends: it inherited the
# memory, but nothing there will ever take that Lock. Nothing to report. The close positive, a
# lock held at its end while a process that used it lives on, is mp-lock-held-last-user.c.
# The helper, a Process started after the Pool, is not called a Pool worker (the orphaned
# grandchild is a true mp-unreaped-child, here only to show how its parent is named).
import multiprocessing as mp
import os
import time


def helper():
    if os.fork() == 0:
        time.sleep(1.5)
        os._exit(0)
    os._exit(0)


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    pool = ctx.Pool(2)
    print(pool.map(abs, [-1, -2, -3]))
    h = ctx.Process(target=helper)
    h.start()
    h.join()
    pool.terminate()
    pool.join()
    print("terminated")

# CHECK: [1, 2, 3]
# CHECK: terminated
# CHECK-NOT: mp-lock-held-at-exit

# NAMES-NOT: Pool worker
# NAMES: was still running when its parent, process {{[0-9]+}} ({{[^)]*}}python{{[^)]*}}), exited without waiting for it [mp-unreaped-child]
# NAMES-NOT: Pool worker
