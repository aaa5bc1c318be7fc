# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 --cleanup -- %python %s spawn 2> %t.spawn
# RUN: FileCheck --check-prefixes=CHECK,SPAWN %s < %t.spawn
# RUN: %python %inputs/expect_status.py 124 %procsan run --hang-timeout=2 --cleanup -- %python %s forkserver 2> %t.fs
# RUN: FileCheck --check-prefixes=CHECK,FS %s < %t.fs
# RUN: %procsan run --hang-timeout=2 -- %python %s forkserver survive 2>&1 | FileCheck --check-prefix=SURVIVE %s
# A Pool worker killed while it holds a task, with the spawn and forkserver start methods (with
# forkserver the workers are children of the fork server, not of the program).
import multiprocessing as mp
import os
import signal
import sys


def square(x):
    if x == 3 and len(sys.argv) < 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return x * x


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1])
    with mp.Pool(2) as pool:
        print(pool.map(square, range(8)))

# CHECK: procsan: error: the program has made no progress for {{[0-9.]+}} s since process [[DEAD:[0-9]+]]
# SPAWN-SAME: (a Pool worker of pid {{[0-9]+}}{{( started at [^:]*:[0-9]+)?}}: {{.*}}python{{.*}}--multiprocessing-fork)
# FS-SAME: (started by the multiprocessing fork server, pid {{[0-9]+}})
# CHECK-SAME: was killed by SIGKILL: it is waiting for work the dead process would have done; it was in square (mp-lost-crash-python-pool-hang-spawn.py:16); pid {{[0-9]+}} waits for it in {{(Pool.)?}}map at mp-lost-crash-python-pool-hang-spawn.py:{{[0-9]+}}, which never returns: {{.*}} [mp-lost-crash]
# CHECK-NEXT: process [[DEAD]] killed by SIGKILL
# CHECK: procsan run: the tree is stuck; killing it
# SURVIVE-NOT: procsan: error
# SURVIVE: [0, 1, 4, 9, 16, 25, 36, 49]
