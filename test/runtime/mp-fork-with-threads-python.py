# RUN: %procsan run --rules=mp-fork-with-threads -- %python %s 2>&1 | FileCheck %s
# A Python program with a background thread starts a multiprocessing worker with the fork
# start method: the worker runs Python code in a copy of a multithreaded process.
import multiprocessing as mp
import threading
import time


def heartbeat():
    time.sleep(0.5)


def work():
    pass


if __name__ == "__main__":
    mp.set_start_method("fork")
    t = threading.Thread(target=heartbeat, name="heartbeat")
    t.start()
    p = mp.Process(target=work)
    p.start()
    p.join()
    t.join()

# CHECK: procsan: warning: process {{[0-9]+}} ({{.*}}python{{.*}}) forked process {{[0-9]+}} ({{.*}}) while 1 other thread was running, and the child went on without exec
# The fork's Python stack: this file's p.start().
# CHECK: File "{{.*}}multiprocessing/process.py", line {{[0-9]+}}, in {{(BaseProcess.)?}}start
# CHECK-NEXT: File "{{.*}}mp-fork-with-threads-python.py", line 22, in <module>
