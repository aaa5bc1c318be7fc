# RUN: %python %inputs/expect_status.py 124 %procsan run --max-procs=30 --hang-timeout=30 -- %python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# RUN: %procsan run --max-procs=30 --hang-timeout=30 -- %python %s guarded 2>&1 | FileCheck --check-prefix=GUARDED %s
# Python's classic: os.fork() in a loop whose children go around the loop again (2^7 processes
# here, bounded so the test stays safe). The guarded look-alike ends each child right away and
# waits for it, so the tree never grows.
import os
import sys
import time

guarded = len(sys.argv) > 1
for i in range(7):
    pid = os.fork()
    if guarded:
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
if guarded:
    print("guarded done", flush=True)
else:
    time.sleep(3)

# CHECK: procsan: error: fork bomb: the tree {{reached [0-9]+ live processes, over the limit of 30 \(--max-procs\)|grew by [0-9]+ live processes}}{{.*}}; procsan stopped the tree. Growth chain (depth {{[0-9]+}}): {{[0-9]+}} ({{.*}}python{{.*}}) -> {{[0-9]+}} -> {{.*}} [mp-fork-bomb]
# CHECK-NEXT: {{[0-9]+}} forks here by {{[0-9]+}} processes of the tree; this one by pid {{[0-9]+}} (depth {{[0-9]+}} of the chain)
# CHECK: procsan run: the tree grew out of bounds; killing it
# CHECK-NOT: mp-lost-crash
# GUARDED: guarded done
# GUARDED-NOT: mp-fork-bomb
