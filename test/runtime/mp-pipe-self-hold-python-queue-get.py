# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# RUN: %procsan run --hang-timeout=2 -- %python %s enough 2>&1 | FileCheck --check-prefix=ENOUGH %s
# The parent expects one more item than the child puts: its Queue.get() waits forever (a
# Queue's pipe has both ends in the parent). The report shows the get() in this file's terms,
# read from the blocked process while it is stopped. Look-alike: the counts agree.
import multiprocessing as mp
import sys


def produce(q, n):
    for i in range(n):
        q.put(i)


def collect(q, expected):
    return [q.get() for _ in range(expected)]


if __name__ == "__main__":
    mp.set_start_method("fork")
    q = mp.Queue()
    p = mp.Process(target=produce, args=(q, 3))
    p.start()
    print(collect(q, 3 if len(sys.argv) > 1 else 4))
    p.join()

# CHECK: procsan: error: process [[PID:[0-9]+]] ({{.*}}) is blocked reading pipe:[{{[0-9]+}}], {{.*}} [mp-pipe-self-hold]
# CHECK-NEXT: pid [[PID]] thread [[PID]] ({{.*}}) blocked in read on pipe
# CHECK: File "{{.*}}multiprocessing/queues.py", line {{[0-9]+}}, in {{(Queue.)?}}get
# CHECK: File "{{.*}}mp-pipe-self-hold-python-queue-get.py", line 17, in collect{{ *$}}
# CHECK-NEXT: File "{{.*}}mp-pipe-self-hold-python-queue-get.py", line 25, in <module>
# CHECK: procsan run: the tree is stuck; killing it
# ENOUGH-NOT: procsan: error
# ENOUGH: [0, 1, 2]
