# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# Joining a process before draining its queue: the child cannot exit until its queue's data is
# read, and the parent reads only after join() returns.
import multiprocessing as mp


def produce(q):
    q.put("x" * 1_000_000)


if __name__ == "__main__":
    mp.set_start_method("fork")
    q = mp.Queue()
    p = mp.Process(target=produce, args=(q,))
    p.start()
    p.join()
    print(len(q.get()))

# CHECK: procsan: error: process {{[0-9]+}} ({{.*}}python{{.*}}) waits for its child process {{[0-9]+}} ({{.*}}) to exit, while the child is blocked writing to a full pipe that only the parent reads: neither can go on {{.*}} [mp-join-before-drain]
