# RUN: not %check --checks=mp-pool-not-joined %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# "Closed but never joined": after close() the workers exit by themselves once the task queue is
# empty, so a missing join() only matters when a task may still be pending when the function
# returns: an async result nobody reads. Synchronous map(), list(imap(...)), or an async result
# read after close() leave nothing pending: silent. Each next to a look-alike that is reported.
from multiprocessing import Manager, Pool


def work(chunk, status):
    status.put(("done", len(chunk)))
    return sum(chunk)


def parallel_sum(chunks, workers):
    status = Manager().Queue()  # a proxy: it pickles
    pool = Pool(workers)
    promise = pool.starmap_async(work, [(c, status) for c in chunks])
    pool.close()
    finished = 0
    for _ in chunks:
        state, size = status.get()
        finished += size
        print("progress:", finished)
    return sum(promise.get())


def parallel_sum_unread(chunks, workers):
    status = Manager().Queue()  # a proxy: it pickles
    # CHECK: mp-pool-not-joined-closed-read.py:[[@LINE+1]]:12: warning: Pool 'pool' is closed but never joined: nothing waits for its workers to finish their tasks and exit [mp-pool-not-joined]
    pool = Pool(workers)
    # CHECK: mp-pool-not-joined-closed-read.py:[[@LINE+1]]:15: note: this result may still be pending when the function returns
    promise = pool.starmap_async(work, [(c, status) for c in chunks])
    # CHECK: mp-pool-not-joined-closed-read.py:[[@LINE+1]]:5: note: it is closed here
    pool.close()
    return status.get()


def incr(x):
    return x + 1


def test_imap():
    pool = Pool()
    res = list(pool.imap(incr, range(100)))
    pool.close()
    assert res[-1] == 100


def test_apply_async_unread():
    # CHECK: mp-pool-not-joined-closed-read.py:[[@LINE+1]]:12: warning: Pool 'pool' is closed but never joined
    pool = Pool()
    pending = []
    for i in range(100):
        # CHECK: mp-pool-not-joined-closed-read.py:[[@LINE+1]]:24: note: this result may still be pending
        pending.append(pool.apply_async(incr, (i,)))
    # CHECK: mp-pool-not-joined-closed-read.py:[[@LINE+1]]:5: note: it is closed here
    pool.close()


class Toolbox:
    def register(self, name, fn):
        setattr(self, name, fn)


def evolve(population, evaluate):
    toolbox = Toolbox()
    pool = Pool(processes=4)
    toolbox.register("map", pool.map)  # synchronous: every result is back when it returns
    for _ in range(40):
        population = list(toolbox.map(evaluate, population))
    pool.close()
    return population


def evolve_async(population, evaluate):
    toolbox = Toolbox()
    # CHECK: mp-pool-not-joined-closed-read.py:[[@LINE+1]]:12: warning: Pool 'pool' is closed but never joined
    pool = Pool(processes=4)
    # CHECK: mp-pool-not-joined-closed-read.py:[[@LINE+1]]:29: note: this result may still be pending
    toolbox.register("map", pool.map_async)  # whoever calls it may drop the results
    # CHECK: mp-pool-not-joined-closed-read.py:[[@LINE+1]]:5: note: it is closed here
    pool.close()
    return toolbox
