# RUN: %procsan run --hang-timeout=5 -- %python %s 2>&1 | FileCheck %s --allow-empty
# A multiprocessing Lock acquired by the parent and released by a child, then taken with another
# lock in the other order: the semaphore is handed between processes, so the parent's stale
# "held" entry is no lock held at exit and no lock-order inversion (CPython's own test suite
# does this).
import multiprocessing as mp


def release(lock):
    lock.release()


if __name__ == "__main__":
    mp.set_start_method("fork")
    a, b = mp.Lock(), mp.Lock()
    a.acquire()
    p = mp.Process(target=release, args=(a,))
    p.start()
    p.join()
    with b:
        with a:
            pass
    with a:
        with b:
            pass
    print("done")
# CHECK: done
# CHECK-NOT: mp-lock-held-at-exit
# CHECK-NOT: mp-lock-order-inversion
