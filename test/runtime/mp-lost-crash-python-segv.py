# RUN: %procsan run -- %python %s 2>&1 | FileCheck %s
# A multiprocessing worker segfaults; the parent joins it and never looks at exitcode.
import ctypes
import multiprocessing as mp


def worker():
    ctypes.string_at(0)


if __name__ == "__main__":
    mp.set_start_method("fork")
    p = mp.Process(target=worker)
    p.start()
    print("worker", p.pid, flush=True)
    p.join()
    print("joined", flush=True)

# CHECK: worker [[PID:[0-9]+]]
# CHECK: joined
# CHECK: procsan: error: process [[PID]] ({{.*}}python{{.*}}) killed by SIGSEGV but the program exited with status 0 [mp-lost-crash]
# CHECK: SIGSEGV on address 0x0 in process [[PID]]
# CHECK: {{_ctypes|string_at}}
# CHECK: reaped it (status: killed by SIGSEGV)
