# RUN: not %check --checks=mp-unchecked-child-status %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# Processes joined whose exit code nobody looks at: a worker that crashed passes for one that
# finished.
import multiprocessing as mp
import sys
from multiprocessing import Process


def convert(src, dst):
    with open(src) as f, open(dst, "w") as g:
        g.write(f.read().upper())


def convert_one(src, dst):
    p = Process(target=convert, args=(src, dst))
    p.start()
    # CHECK: mp-unchecked-child-status.py:[[@LINE+2]]:5: warning: Process joined and its exitcode never examined: a child that raised, crashed or was killed looks exactly like one that finished, and the program goes on as if it succeeded; check 'exitcode' after join() [mp-unchecked-child-status]
    # CHECK: mp-unchecked-child-status.py:[[@LINE-3]]:9: note: the Process is made here
    p.join()
    print("converted", dst)


def convert_all(pairs):
    workers = []
    for src, dst in pairs:
        w = mp.get_context("spawn").Process(target=convert, args=(src, dst))
        w.start()
        workers.append(w)
    for w in workers:
        # CHECK: mp-unchecked-child-status.py:[[@LINE+1]]:9: warning: Process joined and its exitcode never examined
        w.join()
    return len(workers)


def convert_comprehension(pairs):
    procs = [Process(target=convert, args=pair) for pair in pairs]
    for p in procs:
        p.start()
    # CHECK: mp-unchecked-child-status.py:[[@LINE+1]]:6: warning: Process joined and its exitcode never examined
    [p.join() for p in procs]
    sys.exit(0)


class Indexer(Process):
    def __init__(self, root):
        super().__init__()
        self.root = root

    def run(self):
        convert(self.root, self.root + ".idx")


def index(root):
    job = Indexer(root)
    job.start()
    # CHECK: mp-unchecked-child-status.py:[[@LINE+1]]:5: warning: Process joined and its exitcode never examined
    job.join(timeout=None)
    if job.is_alive():
        raise RuntimeError("still running")
