# RUN: %procsan run --hang-timeout=20 -- %python %s fork 2>&1 | FileCheck %s
# RUN: %procsan run --hang-timeout=20 -- %python %s spawn 2>&1 | FileCheck %s
# RUN: rm -f /dev/shm/procsan-test-kept-*
# A multiprocessing SharedMemory kept past the program's end: the resource tracker is told to
# leave it alone (a common way to keep one for the next run), and nobody removes it. Its
# look-alike, a SharedMemory the last user (a child) unlinks, is silent, and so is the resource
# tracker itself, left running on purpose.
import multiprocessing as mp
import os
import sys
from multiprocessing import resource_tracker, shared_memory


def use_and_unlink(name):
    shm = shared_memory.SharedMemory(name=name)
    shm.buf[0] = 1
    shm.close()
    shm.unlink()


if __name__ == "__main__":
    ctx = mp.get_context(sys.argv[1])
    name = "procsan-test-kept-%s-%d" % (sys.argv[1], os.getpid())
    kept = shared_memory.SharedMemory(name=name, create=True, size=4096)
    resource_tracker.unregister(kept._name, "shared_memory")
    kept.close()
    done = shared_memory.SharedMemory(create=True, size=4096)
    p = ctx.Process(target=use_and_unlink, args=(done.name,))
    p.start()
    p.join()
    done.close()
# CHECK-NOT: mp-unreaped-child
# CHECK: procsan: warning: SharedMemory('procsan-test-kept-{{(fork|spawn)}}-{{[0-9]+}}') created at {{.*}}mp-leaked-ipc-python.py:24 by process {{[0-9]+}} ({{.*}}) was never unlinked: it still exists after the program ended [mp-leaked-ipc]
# CHECK-NEXT: created here
# CHECK: File "{{.*}}multiprocessing/shared_memory.py", line {{[0-9]+}}, in {{(SharedMemory.)?}}__init__
# CHECK-NEXT: File "{{.*}}mp-leaked-ipc-python.py", line 24, in <module>
# CHECK-NEXT: native frames of the interpreter folded
# CHECK-NOT: [mp-
# CHECK: procsan: 1 finding
