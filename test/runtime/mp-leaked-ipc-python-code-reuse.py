# RUN: %procsan run --cleanup -- %python %s 2>&1 | FileCheck %s
# Code compiled at run time (exec of generated sources) is freed once used, and the next code
# object may be made at the same address: each leaked semaphore is still named by the generated
# file that made it, not by the first code object that lived there.
import _multiprocessing
import gc
import os

for i in range(4):
    src = ("def make_%d():\n"
           "    return _multiprocessing.SemLock(1, 1, 1, '/procsan-reuse-%d-%d', False)\n"
           % (i, os.getpid(), i))
    ns = {"_multiprocessing": _multiprocessing}
    exec(compile(src, "generated_%d.py" % i, "exec"), ns)
    kept = ns["make_%d" % i]()  # never unlinked
    del ns, kept
    gc.collect()
# CHECK-DAG: '/procsan-reuse-{{[0-9]+}}-0' created at generated_0.py:2
# CHECK-DAG: '/procsan-reuse-{{[0-9]+}}-1' created at generated_1.py:2
# CHECK-DAG: '/procsan-reuse-{{[0-9]+}}-2' created at generated_2.py:2
# CHECK-DAG: '/procsan-reuse-{{[0-9]+}}-3' created at generated_3.py:2
