# RUN: %procsan run --hang-timeout=1 -- %python %s 2>&1 | FileCheck %s
# Slow is not stuck, in Python: a worker computing for longer than --hang-timeout while the parent
# waits in get(), then a get() with a timeout that expires and is handled. Nothing is reported,
# nothing is killed.
import multiprocessing as mp
import queue
import time


def compute(q):
    deadline = time.process_time() + 1.5  # CPU time: busy for longer than the hang timeout
    n = 0
    while time.process_time() < deadline:
        n += 1
    q.put("computed")


if __name__ == "__main__":
    mp.set_start_method("fork")
    q = mp.Queue()
    p = mp.Process(target=compute, args=(q,))
    p.start()
    print(q.get())
    p.join()
    try:
        q.get(timeout=1.5)  # nobody puts: the timed wait returns
    except queue.Empty:
        print("timed out as expected")

# CHECK: computed
# CHECK-NEXT: timed out as expected
# CHECK-NOT: procsan
