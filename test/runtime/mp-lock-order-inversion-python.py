# RUN: %procsan run --rules=all -- %python %s 2>&1 | FileCheck %s
# RUN: %procsan run --rules=all -- %python %s ordered 2>&1 | FileCheck --check-prefix=ORDERED %s
# Two multiprocessing Locks: the child takes A then B, the parent (after the child ended) B then
# A. This run did not deadlock; one where both overlap would. Look-alike (ordered): always A, B.
import multiprocessing as mp
import sys


def take_both(first, second):
    with first:
        with second:
            pass


if __name__ == "__main__":
    mp.set_start_method("fork")
    a, b = mp.Lock(), mp.Lock()
    p = mp.Process(target=take_both, args=(a, b))
    p.start()
    p.join()
    if len(sys.argv) > 1:
        take_both(a, b)
    else:
        take_both(b, a)
    print("done")

# CHECK: done
# CHECK: procsan: warning: process-shared locks taken in opposite orders: {{.*}}the multiprocessing Lock created at {{.*}}mp-lock-order-inversion-python.py:17 in <module>{{.*}} [mp-lock-order-inversion]
# CHECK: procsan: 1 finding
# ORDERED: done
# ORDERED-NOT: procsan: warning
# ORDERED-NOT: procsan: error
