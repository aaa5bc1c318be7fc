# RUN: %procsan run --rules=all -- %python %s 2>&1 | FileCheck %s
# RUN: %procsan run -- %python %s 2>&1 | FileCheck --check-prefix=DEFAULT %s
# A BoundedSemaphore(1) used as a one-shot handshake token, as a real test suite does: the parent
# takes it, a thread of the parent gives it back once the worker runs, the worker takes it (with a
# timeout) and exits still holding it, and nobody waits for it again. Released by a thread that
# did not take it, it is a token, not a lock: no "held at exit", and no lock-order edges with the
# Lock taken around it. The look-alike positive in the same program: a real Lock the worker takes
# and dies holding while its parent may still take it.
import multiprocessing as mp
import os
import threading
import time


def worker(token, lock, real, started):
    started.set()
    with lock:
        token.acquire(timeout=5)
    real.acquire()
    os._exit(0)


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    token, lock, real, started = ctx.BoundedSemaphore(1), ctx.Lock(), ctx.Lock(), ctx.Event()
    token.acquire()
    with lock:
        pass
    p = ctx.Process(target=worker, args=(token, lock, real, started))
    p.start()
    with lock:
        time.sleep(0.1)  # the token is held around the Lock here: token, then lock
    giver = threading.Thread(target=lambda: (started.wait(), token.release()))
    giver.start()
    giver.join()
    p.join()
    print("exitcode", p.exitcode)

# CHECK: exitcode 0
# CHECK-NOT: mp-lock-order-inversion
# CHECK: error: process [[PID:[0-9]+]] ({{.*}}) exited with status 0 while holding {{.*}}[mp-lock-held-at-exit]
# CHECK-NOT: mp-lock-held-at-exit
# CHECK-NOT: mp-lock-order-inversion
# CHECK: procsan: 1 finding
# Both lock rules are off by default (below 90% true on real suites): without --rules, nothing.
# DEFAULT: exitcode 0
# DEFAULT-NOT: mp-lock
