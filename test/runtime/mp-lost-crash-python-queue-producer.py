# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %python %s fork 2> %t.fork
# RUN: FileCheck --check-prefixes=CHECK,FORK %s < %t.fork
# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 --cleanup -- %python %s spawn 2> %t.spawn
# RUN: FileCheck --check-prefixes=CHECK,SPAWN %s < %t.spawn
# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 --cleanup -- %python %s forkserver 2> %t.fs
# RUN: FileCheck --check-prefixes=CHECK,FS %s < %t.fs
# RUN: cat %t.fork %t.spawn %t.fs | FileCheck --check-prefix=NOPOOL %s
# RUN: %procsan run --hang-timeout=1 -- %python %s fork puts 2>&1 | FileCheck --check-prefix=PUTS %s
# RUN: %python %inputs/expect_status.py 1 %procsan run --hang-timeout=1 -- %python %s fork timed 2> %t.timed > %t.timed.out
# RUN: cat %t.timed.out %t.timed | FileCheck --check-prefix=TIMED %s
# Queue.get() whose only producer died (killed as the OOM killer would, before its put()): the
# parent waits forever, its own copy of the Queue's write end keeping end-of-file away. procsan
# links the hang to the death, under every start method.
# Look-alikes: the producer puts, then exits (get() returns); the producer dies but get() has a
# timeout and the program handles queue.Empty.
import multiprocessing as mp
import os
import queue
import signal
import sys


def produce(q, mode):
    if mode != "puts":
        os.kill(os.getpid(), signal.SIGKILL)
    q.put("result")


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    mode = sys.argv[2] if len(sys.argv) > 2 else "dies"
    q = mp.Queue()
    p = mp.Process(target=produce, args=(q, mode))
    p.start()
    try:
        print(q.get(timeout=1) if mode == "timed" else q.get())
    except queue.Empty:
        print("no result")
    p.join()
    print("exitcode", p.exitcode)
    sys.exit(0 if p.exitcode == 0 else 1)  # a failed producer is noticed

# CHECK: procsan: error: Queue.get() in process [[READER:[0-9]+]] ({{.*}}python{{.*}}) waits for data; its only producer, pid [[DEAD:[0-9]+]]
# FORK-SAME: ({{.*}}python{{.*}} fork) was killed
# SPAWN-SAME: ({{.*}}--multiprocessing-fork) was killed
# FS-SAME: (started by the multiprocessing fork server, pid {{[0-9]+}}) was killed
# CHECK-SAME: by SIGKILL sent by pid [[DEAD]] (itself, with kill()) (forked after the pipe was made, it was the only other process that could hold its write end); the reader's own write end keeps end-of-file from coming (stuck for {{[0-9.]+}} s) [mp-lost-crash]
# CHECK: pid [[READER]] thread [[READER]] ({{.*}}) blocked in read on pipe:[{{[0-9]+}}]
# CHECK: process [[DEAD]] ({{.*}}) killed by SIGKILL
# CHECK: procsan run: the tree is stuck; killing it
# CHECK-NOT: mp-pipe-self-hold
# CHECK-NOT: mp-deadlock
# PUTS-NOT: procsan: error
# PUTS: result
# PUTS: exitcode 0
# PUTS-NOT: procsan: error
# TIMED: no result
# TIMED: exitcode -9
# TIMED-NOT: procsan: error
# A Process that feeds a Queue is no Pool worker.
# NOPOOL-NOT: Pool worker
