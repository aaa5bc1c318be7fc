# RUN: %procsan run --rules=all -- %python %s 2>&1 | FileCheck %s
# Look-alike of an inversion: Pool.terminate() keeps its task queue's read Lock for good (CPython
# does so on purpose), multiprocessing unlinks every semaphore's name at once, and /dev/shm gives
# the freed inodes to the next semaphores. Identities then repeat across generations of
# semaphores: the Lock kept by a terminated Pool and a later Lock with its inode are not one lock,
# and no order between them can deadlock.
import multiprocessing as mp

if __name__ == "__main__":
    mp.set_start_method("fork")
    for i in range(6):
        p = mp.Pool(1)
        p.map(abs, range(4))
        p.terminate()
        p.join()
        q = mp.Queue()
        q.put(1)
        q.get()
    print("done", flush=True)

# CHECK: done
# CHECK-NOT: [mp-lock-order-inversion]
# CHECK-NOT: [mp-lock-held-at-exit]
