# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 -- %python %s fork 2> %t.err
# RUN: FileCheck %s < %t.err
# RUN: %procsan run --hang-timeout=1 -- %python %s fork closed 2>&1 | FileCheck --check-prefix=CLOSED %s
# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 --cleanup -- %python %s spawn 2> %t.spawn
# RUN: FileCheck %s < %t.spawn
# RUN: %procsan run --hang-timeout=1 -- %python %s spawn closed 2>&1 | FileCheck --check-prefix=CLOSED %s
# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=1 --cleanup -- %python %s forkserver 2> %t.fs
# RUN: FileCheck %s < %t.fs
# The parent reads a one-way Pipe until EOFError, but kept the write end it gave the child: the
# child sends, ends, and end-of-file never comes (fork, spawn and forkserver start methods alike).
# Look-alike (closed): the parent closes its copy of the write end after start(), as the
# multiprocessing guidelines say, and gets EOFError.
import multiprocessing as mp
import sys


def produce(w):
    for i in range(3):
        w.send(i)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    r, w = mp.Pipe(duplex=False)
    p = mp.Process(target=produce, args=(w,))
    p.start()
    if len(sys.argv) > 2:
        w.close()
    got = []
    try:
        while True:
            got.append(r.recv())
    except EOFError:
        pass
    p.join()
    print("got", got)

# CHECK: procsan: error: process [[PID:[0-9]+]] ({{.*}}python{{.*}}) is blocked reading pipe:[{{[0-9]+}}], whose write end only it (or other blocked readers) still holds: end-of-file never comes (stuck for {{[0-9.]+}} s) [mp-pipe-self-hold]
# CHECK-NEXT: pid [[PID]] thread [[PID]] ({{.*}}) blocked in read on pipe:[{{[0-9]+}}]
# The parent's blocked recv(), in this file's terms (read from outside while it is stopped).
# CHECK: File "{{.*}}multiprocessing/connection.py", line {{[0-9]+}}, in {{(_ConnectionBase.)?}}recv
# CHECK-NEXT: File "{{.*}}mp-pipe-self-hold-python.py", line 32, in <module>
# CHECK: procsan run: the tree is stuck; killing it
# CHECK-NOT: mp-lost-crash
# CLOSED-NOT: procsan: error
# CLOSED: got [0, 1, 2]
