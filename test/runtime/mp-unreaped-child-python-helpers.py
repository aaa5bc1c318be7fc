# RUN: %procsan run --hang-timeout=20 --rules=mp-unreaped-child -- %python %s 2>&1 | FileCheck %s
# CPython leaves its resource tracker (spawn and forkserver start methods, shared_memory) and its
# fork server running when the main process exits: they wait for the end of a pipe the main
# process holds, and exit when it is gone. That is by design, not a child left behind. The
# look-alike, a Process the program forgets to join that is still sleeping when the main
# process exits, is reported.
import multiprocessing as mp
import os
import sys
import time
from multiprocessing import shared_memory


def square(x):
    return x * x


def nap():
    time.sleep(0.5)


def run(method):
    ctx = mp.get_context(method)
    with ctx.Pool(2) as pool:
        assert sum(pool.map(square, range(10))) == 285
    shm = shared_memory.SharedMemory(create=True, size=64)
    shm.close()
    shm.unlink()


if __name__ == "__main__":
    if len(sys.argv) > 1:
        run(sys.argv[1])
        if sys.argv[1] == "fork":
            # Daemonic processes are terminated at exit; a non-daemonic one is joined by
            # multiprocessing's atexit hook, so leave it with os._exit.
            mp.get_context("fork").Process(target=nap).start()
            time.sleep(0.1)
            os._exit(0)
        sys.exit(0)
    import subprocess
    for method in ("spawn", "forkserver", "fork"):
        subprocess.run([sys.executable, __file__, method], check=True)
# CHECK: procsan: warning: process {{[0-9]+}} ({{.*}}) was still running when its parent, process {{[0-9]+}} ({{.*}} fork), exited without waiting for it [mp-unreaped-child]
# CHECK-NOT: [mp-unreaped-child]
# CHECK: procsan: 1 finding
