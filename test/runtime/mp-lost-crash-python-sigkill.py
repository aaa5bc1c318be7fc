# RUN: %procsan run -- %python %s 2>&1 | FileCheck %s
# A worker is SIGKILLed (here by itself, standing in for the OOM killer): no handler can run, yet
# the loss is reported from the status its parent reaped.
import multiprocessing as mp
import os
import signal


def worker():
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    mp.set_start_method("fork")
    p = mp.Process(target=worker)
    p.start()
    print("worker", p.pid, flush=True)
    p.join()

# CHECK: worker [[PID:[0-9]+]]
# CHECK: procsan: error: process [[PID]] ({{.*}}) killed by SIGKILL but the program exited with status 0 [mp-lost-crash]
