# RUN: %python %inputs/expect_status.py 124 %procsan run --rules=all --hang-timeout=2 -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# A worker dies while holding a multiprocessing.Lock; the parent's acquire() never returns.
import multiprocessing as mp
import os


def worker(lock):
    lock.acquire()
    os._exit(1)  # dies without release()


if __name__ == "__main__":
    mp.set_start_method("fork")
    lock = mp.Lock()
    p = mp.Process(target=worker, args=(lock,))
    p.start()
    p.join()
    with lock:
        print("never printed")

# CHECK: procsan: error: process {{[0-9]+}} ({{.*}}python{{.*}}) is blocked waiting for the named semaphore '/mp-{{[^']*}}' (the multiprocessing Lock created at {{.*}}mp-dead-owner-python.py:15 in <module>), held by process [[W:[0-9]+]] ({{.*}}), which exited with status 1 without releasing it {{.*}} [mp-dead-owner]
# The blocked acquire() and where the dead worker took the lock, in this file's terms.
# CHECK: pid {{[0-9]+}} thread {{[0-9]+}} blocked here
# CHECK: File "{{.*}}mp-dead-owner-python.py", line 19, in <module>
# CHECK: procsan: error: process [[W]] ({{.*}}) exited with status 1 while holding the named semaphore '/mp-{{.*}}' {{.*}} [mp-lock-held-at-exit]
# CHECK: thread {{[0-9]+}} of pid [[W]] first took the named semaphore
# CHECK: File "{{.*}}mp-dead-owner-python.py", line 9, in worker
# CHECK-NEXT: File "{{.*}}multiprocessing/process.py", line {{[0-9]+}}, in {{(BaseProcess.)?}}run
