# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# RUN: %procsan run --hang-timeout=2 -- %python %s same-order 2>&1 | FileCheck --check-prefix=SAME %s
# Two workers take two multiprocessing Locks in opposite orders and meet in the middle, while
# the parent polls them with a timeout (it never blocks for good). The look-alike takes them in
# one order.
import multiprocessing as mp
import sys


def worker(first, second, ready, go):
    with first:
        ready.release()
        go.acquire()
        with second:
            pass


if __name__ == "__main__":
    mp.set_start_method("fork")
    same = len(sys.argv) > 1
    a, b = mp.Lock(), mp.Lock()
    ready, go = mp.Semaphore(0), mp.Semaphore(0)
    procs = [mp.Process(target=worker, args=(a, b, ready, go)),
             mp.Process(target=worker, args=((a, b) if same else (b, a)) + (ready, go))]
    procs[0].start()
    ready.acquire()
    if same:
        go.release()
        procs[0].join()
    procs[1].start()
    if not same:
        ready.acquire()
        go.release()
    go.release()
    while any(p.is_alive() for p in procs):
        for p in procs:
            p.join(0.1)
    print("done")

# CHECK: procsan: error: processes [[A:[0-9]+]] and [[B:[0-9]+]] wait for each other in a cycle: none of them can go on (stuck for {{[0-9.]+}} s) [mp-deadlock]
# CHECK-DAG: pid [[A]] thread [[A]] ({{.*}}) blocked in a wait for the named semaphore '/mp-{{[^']*}}' (the multiprocessing Lock created at {{.*}}mp-deadlock-python-locks.py:22 in <module>), held by pid [[B]] thread [[B]]
# CHECK-DAG: pid [[B]] thread [[B]] ({{.*}}) blocked in a wait for the named semaphore '/mp-{{[^']*}}' (the multiprocessing Lock created at {{.*}}mp-deadlock-python-locks.py:22 in <module>), held by pid [[A]] thread [[A]]
# SAME-NOT: procsan
# SAME: done
# SAME-NOT: procsan
