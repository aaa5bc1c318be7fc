# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 --cleanup -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# RUN: %procsan run --hang-timeout=2 -- %python %s drain 2>&1 | FileCheck --check-prefix=DRAIN %s
# Joining a spawned process before draining its queue (the forkserver form, where the parent
# polls a sentinel instead of waiting in waitpid: mp-join-before-drain-python-forkserver.py).
import multiprocessing as mp
import sys


def produce(q):
    q.put("x" * 1_000_000)


if __name__ == "__main__":
    mp.set_start_method("spawn")
    q = mp.Queue()
    p = mp.Process(target=produce, args=(q,))
    p.start()
    if len(sys.argv) > 1:
        print(len(q.get()))
    p.join()
    if len(sys.argv) == 1:
        print(len(q.get()))

# CHECK: procsan: error: process {{[0-9]+}} ({{.*}}python{{.*}}) waits for its child process {{[0-9]+}} ({{.*}}spawn_main{{.*}}) to exit, while the child is blocked writing to a full pipe that only the parent reads: neither can go on {{.*}} [mp-join-before-drain]
# CHECK: procsan run: the tree is stuck; killing it
# DRAIN-NOT: procsan: error
# DRAIN: 1000000
