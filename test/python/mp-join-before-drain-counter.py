# RUN: not %check --checks=mp-join-before-drain %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# A child that sends one counter (a local only ever assigned small values: `n = 0`,
# `n += len(...)`) writes a few bytes: it cannot fill the pipe. Its look-alike sends a list.
import multiprocessing as mp


def count(q, paths):
    n = 0
    for p in paths:
        n += len(p)
    q.put(n)


def collect(q, paths):
    found = []
    for p in paths:
        found.append(p)
    q.put(found)


def counted(paths):
    q = mp.Queue()
    p = mp.Process(target=count, args=(q, paths))
    p.start()
    p.join()
    return q.get()


def collected(paths):
    q = mp.Queue()
    p = mp.Process(target=collect, args=(q, paths))
    p.start()
    # CHECK: mp-join-before-drain-counter.py:[[@LINE+1]]:5: warning: Process joined before the Queue it fills is drained
    p.join()
    return q.get()
