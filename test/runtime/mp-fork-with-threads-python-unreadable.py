# REQUIRES: python-unreadable
# RUN: %procsan run --rules=mp-fork-with-threads --format=json --output=%t.json -- %unreadable_python %s 2> %t.err
# RUN: FileCheck %s < %t.err
# RUN: %python %inputs/python_stacks.py %t.json | FileCheck --check-prefix=JSON %s
# An interpreter whose frames procsan cannot read (CPython 3.7: no layout for it) still gets its
# findings, with the native stack, and the report says why there are no Python frames.
import multiprocessing as mp
import threading
import time


def work():
    pass


if __name__ == "__main__":
    mp.set_start_method("fork")
    t = threading.Thread(target=time.sleep, args=(0.5,))
    t.start()
    p = mp.Process(target=work)
    p.start()
    p.join()
    t.join()

# CHECK: procsan: warning: process {{[0-9]+}} ({{.*}}python3.7{{.*}}) forked process {{[0-9]+}} {{.*}} [mp-fork-with-threads]
# CHECK-NEXT: fork in pid
# CHECK-NEXT: #0 0x
# CHECK-NOT: File "
# CHECK: (no Python frames: CPython 3.7.{{[0-9]+}}: layout not known)
# JSON: mp-fork-with-threads: fork in pid {{.*}} | (no Python frames: CPython 3.7.{{[0-9]+}}: layout not known)
