# RUN: %procsan run --format=json --output=%t.json -- %python %s exit 2> %t.err
# RUN: FileCheck --check-prefixes=CHECK,EXIT %s < %t.err
# RUN: %python %inputs/python_stacks.py %t.json | FileCheck --check-prefix=JSON %s
# RUN: %procsan run -- %python %s kill 2>&1 | FileCheck --check-prefixes=CHECK,KILL %s
# RUN: %python %inputs/expect_status.py 1 %procsan run -- %python %s exit unhandled 2>&1 | FileCheck --check-prefix=UNHANDLED %s
# A ProcessPoolExecutor worker dies in a task (os._exit, or SIGKILL as the OOM killer would send
# it); concurrent.futures fails that task and every pending one with BrokenProcessPool, the
# program catches it and goes on, and ends with status 0. The exception says neither which task
# died nor how: the report does. When the program does not catch it (it fails with the
# traceback), the failure shows in its status and nothing is reported.
import concurrent.futures as cf
import multiprocessing as mp
import os
import signal
import sys


def upload(n):
    if n == 3:
        if sys.argv[1] == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(3)
    return n


def main():
    with cf.ProcessPoolExecutor(2, mp_context=mp.get_context("fork")) as ex:
        futures = [ex.submit(upload, i) for i in range(5)]
        for f in futures:
            try:
                f.result()
            except cf.process.BrokenProcessPool:
                if sys.argv[2:] == ["unhandled"]:
                    raise
                print("pool broken", file=sys.stderr)


if __name__ == "__main__":
    main()

# EXIT: procsan: warning: process [[DEAD:[0-9]+]] (a ProcessPoolExecutor worker of pid [[MAIN:[0-9]+]] started at {{.*}}mp-lost-crash-python-executor-handled.py:28: {{.*}}) exited with status 3 while running upload (mp-lost-crash-python-executor-handled.py:22): concurrent.futures raised BrokenProcessPool for that task and every pending one ("terminated abruptly", without saying which task or how) and the executor takes no more work; the program went on and exited with status 0 [mp-lost-crash]
# KILL: procsan: warning: process [[DEAD:[0-9]+]] (a ProcessPoolExecutor worker of pid [[MAIN:[0-9]+]] started at {{.*}}mp-lost-crash-python-executor-handled.py:28: {{.*}}) killed by SIGKILL while running upload (mp-lost-crash-python-executor-handled.py:21): concurrent.futures raised BrokenProcessPool {{.*}}; the program went on and exited with status 0 [mp-lost-crash]
# KILL-NEXT: process [[DEAD]] ({{.*}}) killed by SIGKILL (it called kill())
# EXIT-NEXT: process [[DEAD]] ({{.*}}) exited with status 3
# CHECK-NEXT: File "{{.*}}mp-lost-crash-python-executor-handled.py", line {{21|22}}, in upload
# CHECK-NEXT: File "{{.*}}concurrent/futures/process.py", line {{[0-9]+}}, in {{.*}}_process_worker
# CHECK: pid [[MAIN]] (concurrent.futures) reaped it ({{.*}}) and failed its tasks with BrokenProcessPool
# The other worker, terminated by the executor, is no lost crash.
# CHECK: procsan: 1 finding

# JSON: mp-lost-crash: process {{[0-9]+}} ({{.*}}) exited with status 3 | mp-lost-crash-python-executor-handled.py:22 upload < process.py:{{[0-9]+}} {{.*}}_process_worker <

# UNHANDLED: BrokenProcessPool
# UNHANDLED-NOT: mp-lost-crash
