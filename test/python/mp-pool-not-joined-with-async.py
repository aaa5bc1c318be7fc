# RUN: not %check --checks=mp-pool-not-joined %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# `with Pool() as p:` ends in terminate(): async work not waited for inside the block is lost.
from multiprocessing import get_context


def work(x):
    return x


def main(data):
    with get_context("spawn").Pool() as p:
        # CHECK: mp-pool-not-joined-with-async.py:[[@LINE+2]]:9: warning: the result of 'p.map_async' is dropped inside 'with'; the block's exit terminates the pool, and a task still pending is silently lost [mp-pool-not-joined]
        # CHECK: mp-pool-not-joined-with-async.py:11:5: note: the pool is terminated when this block ends
        p.map_async(work, data)
        # CHECK: mp-pool-not-joined-with-async.py:[[@LINE+2]]:16: warning: the result of 'p.apply_async', kept in 'late', is not waited for inside 'with'
        # CHECK: mp-pool-not-joined-with-async.py:24:11: note: 'late' is used here, after the pool is gone
        late = p.apply_async(work, (1,))
        pending = []
        for d in data:
            # CHECK: mp-pool-not-joined-with-async.py:[[@LINE+1]]:28: warning: the result of 'p.apply_async', kept in 'pending', is not waited for
            pending.append(p.apply_async(work, (d,)))
        # CHECK: mp-pool-not-joined-with-async.py:[[@LINE+1]]:14: warning: the result of 'p.imap_unordered', kept in 'it', is not waited for
        it = p.imap_unordered(work, data)
    print(late.get(), [r.get() for r in pending], list(it))
