# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# A Pool task segfaults in a C extension call; Pool.map then waits forever for the task's result.
# The hang is linked to the crash, with the stack of the faulting thread taken in the dying
# worker. (A worker that crashes and is joined is noticed: mp-lost-crash-python-joined.py.)
import ctypes
import multiprocessing as mp


def render(x):
    if x == 2:
        ctypes.string_at(0)
    return x


if __name__ == "__main__":
    mp.set_start_method("fork")
    with mp.Pool(1) as pool:
        print(pool.map(render, range(4)))

# CHECK: procsan: error: the program has made no progress for {{[0-9.]+}} s since process [[DEAD:[0-9]+]] ({{.*}}) was killed by SIGSEGV: it is waiting for work the dead process would have done; it was in render (mp-lost-crash-python-segv.py:12); pid {{[0-9]+}} waits for it in {{(Pool.)?}}map at mp-lost-crash-python-segv.py:19, which never returns: {{.*}} [mp-lost-crash]
# CHECK-NEXT: process [[DEAD]] killed by SIGSEGV
# CHECK: {{_ctypes|string_at}}
# CHECK: procsan run: the tree is stuck; killing it
