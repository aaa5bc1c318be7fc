# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# The classic: a Pool worker is killed (the OOM killer, here itself) while it holds a task;
# Pool.map waits forever for that result. procsan links the hang to the dead worker.
import multiprocessing as mp
import os
import signal


def square(x):
    if x == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


if __name__ == "__main__":
    mp.set_start_method("fork")
    with mp.Pool(2) as pool:
        print(pool.map(square, range(8)))

# CHECK: procsan: error: the program has made no progress for {{[0-9.]+}} s since process [[DEAD:[0-9]+]] (a Pool worker of pid {{[0-9]+}}{{( started at [^:]*:[0-9]+)?}}: {{.*}}python{{.*}}) was killed by SIGKILL: it is waiting for work the dead process would have done
# CHECK-SAME: ; it was in square (mp-lost-crash-python-pool-hang.py:12); pid {{[0-9]+}} waits for it in {{(Pool.)?}}map at mp-lost-crash-python-pool-hang.py:19, which never returns: {{.*}} [mp-lost-crash]
# CHECK-NEXT: process [[DEAD]] killed by SIGKILL, sent by itself with kill() here
# CHECK: File "{{.*}}mp-lost-crash-python-pool-hang.py", line 12, in square
# CHECK: blocked in
# CHECK: procsan run: the tree is stuck; killing it
