# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 --cleanup -- %python %s spawn 2> %t.spawn
# RUN: FileCheck %s < %t.spawn
# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 --cleanup -- %python %s forkserver 2> %t.fs
# RUN: FileCheck %s < %t.fs
# RUN: %procsan run --hang-timeout=2 -- %python %s spawn release 2>&1 | FileCheck --check-prefix=RELEASED %s
# A Lock held by a worker that died, with the spawn and forkserver start methods: the worker is a
# new program that opens the Lock's semaphore by name, not a fork that inherited it.
import multiprocessing as mp
import os
import sys


def worker(lock, release):
    lock.acquire()
    if release:
        lock.release()
    os._exit(1)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    lock = mp.Lock()
    p = mp.Process(target=worker, args=(lock, len(sys.argv) > 2))
    p.start()
    p.join()
    with lock:
        print("acquired")

# CHECK: procsan: error: process {{[0-9]+}} ({{.*}}python{{.*}}) is blocked waiting for the named semaphore '/mp-{{[^']*}}' (the multiprocessing Lock created at {{.*}}mp-dead-owner-python-spawn.py:22 in <module>), held by process [[W:[0-9]+]] ({{.*}}multiprocessing{{.*}}), which exited with status 1 without releasing it {{.*}} [mp-dead-owner]
# CHECK: procsan run: the tree is stuck; killing it
# RELEASED-NOT: procsan: error
# RELEASED: acquired
