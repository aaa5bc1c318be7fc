# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 --cleanup -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# RUN: %procsan run --hang-timeout=1 --cleanup -- %python %s drain 2>&1 | FileCheck --check-prefix=DRAIN %s
# Joining a forkserver process before draining its queue. The child is the fork server's, so the
# parent does not wait in waitpid: join() polls the child's sentinel, a pipe the fork server writes
# the status to when the child ends, while the child's feeder thread is blocked writing the big
# item into the Queue's full pipe, which only the parent reads.
# Look-alike (drain): get() before join() finishes.
import multiprocessing as mp
import sys


def produce(q):
    q.put("x" * 1_000_000)


if __name__ == "__main__":
    mp.set_start_method("forkserver")
    q = mp.Queue()
    p = mp.Process(target=produce, args=(q,))
    p.start()
    if len(sys.argv) > 1:
        print(len(q.get()))
    p.join()
    if len(sys.argv) == 1:
        print(len(q.get()))

# CHECK: procsan: error: process [[PARENT:[0-9]+]] ({{.*}}python{{.*}}) waits for process [[CHILD:[0-9]+]] (started by the multiprocessing fork server, pid [[SERVER:[0-9]+]]) to exit, polling the pipe its parent, process [[SERVER]] (the multiprocessing fork server), writes to when it ends (its sentinel), while the child is blocked writing to a full pipe that only the waiting process reads: neither can go on (stuck for {{[0-9.]+}} s) [mp-join-before-drain]
# CHECK-NEXT: pid [[PARENT]] thread [[PARENT]] ({{.*}}) blocked in poll on pipe:[{{[0-9]+}}] (fd {{[0-9]+}}), whose write end only pid [[SERVER]] holds
# CHECK: pid [[CHILD]] thread {{[0-9]+}} ({{.*}}) blocked in write on pipe:[{{[0-9]+}}]
# CHECK: procsan run: the tree is stuck; killing it
# DRAIN-NOT: procsan: error
# DRAIN: 1000000
