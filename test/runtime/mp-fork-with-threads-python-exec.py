# RUN: %procsan run --rules=mp-fork-with-threads -- %python %s 2>&1 | FileCheck %s
# A thread waits on an Event while the program (1) runs a helper program that does not exist and
# (2) starts a spawn-method Pool and terminates it at once, so its worker may be killed before its
# exec. Both children come from CPython's _posixsubprocess (vfork on 3.10+, fork before), whose
# child only execs or _exits: nothing to report. The close positive, a fork-method child that
# runs Python code while the thread waits, is mp-fork-with-threads-python.py.
import multiprocessing as mp
import subprocess
import threading

if __name__ == "__main__":
    ev = threading.Event()
    t = threading.Thread(target=ev.wait, name="waiter")
    t.start()
    for i in range(3):
        try:
            subprocess.run(["/nonexistent/procsan-helper"])
        except FileNotFoundError:
            print("not found", i)
    pool = mp.get_context("spawn").Pool(1)
    pool.terminate()
    pool.join()
    ev.set()
    t.join()
    print("done")

# CHECK: not found 2
# CHECK: done
# CHECK-NOT: mp-fork-with-threads
