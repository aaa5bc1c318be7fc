# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# RUN: %procsan run --hang-timeout=1 -- %python %s join 2>&1 | FileCheck --check-prefix=JOINED %s
# The parent kills its only producer on purpose, then waits for its result anyway: not a lost
# crash (the program sent the signal), but the wait's only giver is dead (mp-dead-owner), and the
# report says who killed it.
# Look-alike (join): the parent kills the producer, joins it, and does not wait for the queue.
import multiprocessing as mp
import sys
import time


def produce(q, ready):
    ready.set()
    time.sleep(30)
    q.put("result")


if __name__ == "__main__":
    mp.set_start_method("fork")
    q = mp.Queue()
    ready = mp.Event()
    p = mp.Process(target=produce, args=(q, ready))
    p.start()
    ready.wait()
    p.kill()
    p.join()
    if len(sys.argv) > 1:
        print("killed, exitcode", p.exitcode)
    else:
        print(q.get())

# CHECK: procsan: error: Queue.get() in process [[READER:[0-9]+]] ({{.*}}python{{.*}}) waits for data; its only producer, pid [[DEAD:[0-9]+]] ({{.*}}) was killed by SIGKILL sent by process [[READER]] ({{.*}}) with kill() (forked after the pipe was made, it was the only other process that could hold its write end); the reader's own write end keeps end-of-file from coming (stuck for {{[0-9.]+}} s) [mp-dead-owner]
# CHECK: process [[DEAD]] ({{.*}}) killed by SIGKILL sent by process [[READER]]
# CHECK: pid [[READER]] sent SIGKILL with kill() here
# CHECK: procsan run: the tree is stuck; killing it
# CHECK-NOT: mp-lost-crash
# JOINED-NOT: procsan: error
# JOINED: killed, exitcode -9
