# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# Two Pools, each waited on by its own thread; a task of the first crashes its worker. Which
# blocked map() lost the task is not something the crash says: the report names the task, but no
# waiter (the close positive, one Pool, is mp-lost-crash-python-frames.py).
import ctypes
import multiprocessing as mp
import threading


def crash(x):
    ctypes.string_at(0)


def forever(x):
    threading.Event().wait()


def run_first(pool):
    pool.map(crash, [1])


if __name__ == "__main__":
    mp.set_start_method("fork")
    first, second = mp.Pool(1), mp.Pool(1)
    t = threading.Thread(target=run_first, args=(first,))
    t.start()
    second.map(forever, [1])

# CHECK: was killed by SIGSEGV: it is waiting for work the dead process would have done; it was in crash (mp-lost-crash-python-two-pools.py:12); a Pool does not notice that a worker died with its task: whoever waits for its result waits forever [mp-lost-crash]
# CHECK-NOT: waits for it in
# CHECK: procsan run: the tree is stuck; killing it
