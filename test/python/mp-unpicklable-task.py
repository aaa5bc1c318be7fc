# RUN: not %check --checks=-mp-pool-not-joined %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# Objects pickle cannot save, sent where multiprocessing pickles them.
import functools
import multiprocessing as mp
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pipe, Pool, Queue


def work(x, lock=None):
    return x


def numbers(n):
    yield from range(n)


class Counter:
    def __init__(self):
        self.total = 0
        self.lock = threading.Lock()

    def add(self, x):
        with self.lock:
            self.total += x


def main():
    def inner(x):
        return x + 1

    class Local:
        pass

    lock = threading.Lock()
    counter = Counter()
    with Pool() as pool:
        # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:18: warning: a lambda cannot be pickled; Pool.map pickles its function for the workers [mp-unpicklable-task]
        pool.map(lambda x: x * 2, range(3))
        # CHECK: mp-unpicklable-task.py:[[@LINE+2]]:29: warning: 'inner' is a function defined inside 'main', which pickle cannot find by name; Pool.imap_unordered pickles its function for the workers
        # CHECK: mp-unpicklable-task.py:29:5: note: 'inner' is defined here
        pool.imap_unordered(inner, range(3))
        # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:44: warning: 'inner' is a function defined inside 'main', which pickle cannot find by name; Pool.apply_async pickles its function
        pool.apply_async(functools.partial(inner, 1))
        # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:41: warning: a threading.Lock cannot be pickled; Pool.apply_async pickles the task's arguments
        pool.apply_async(work, args=(1, lock))
        # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:33: warning: a threading.Lock cannot be pickled; Pool.starmap pickles every item of the iterable
        pool.starmap(work, [(i, lock) for i in range(3)])
        # CHECK: mp-unpicklable-task.py:[[@LINE+2]]:18: warning: the bound method 'add' is pickled with its object: a 'Counter' object holds 'self.lock', and a threading.Lock cannot be pickled (the class defines no __getstate__); Pool.map pickles its function
        # CHECK: mp-unpicklable-task.py:21:9: note: 'self.lock' is assigned here
        pool.map(counter.add, range(3))
        # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:27: warning: a 'Local' object cannot be pickled: its class is defined inside 'main'
        pool.apply(work, (Local(),))
        # CHECK: mp-unpicklable-task.py:[[@LINE+2]]:18: warning: 'numbers' is a generator function, and the generators it returns cannot be pickled back from the workers; Pool.map pickles its function
        # CHECK: mp-unpicklable-task.py:14:1: note: 'numbers' is defined here
        pool.map(numbers, [1, 2])
        # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:36: warning: a multiprocessing.Lock can only reach a child by inheritance (a Process's args, a Pool's initargs), not pickled in a task or a message; Pool.apply_async pickles the task's arguments
        pool.apply_async(work, (1, mp.Lock()))
        # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:33: warning: a multiprocessing.Queue can only reach a child by inheritance
        pool.apply_async(work, (Queue(),))
        # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:29: warning: a multiprocessing.Value can only reach a child by inheritance (a Process's args, a Pool's initargs), not pickled in a task or a message; Pool.map pickles every item of the iterable
        pool.map(work, [(1, mp.Value("i", 0))])

    q = Queue()
    # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:{{[0-9]+}}: warning: a generator cannot be pickled; Queue.put pickles what it sends
    q.put(x * 2 for x in range(3))
    with open(__file__) as f:
        # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:15: warning: an open file cannot be pickled; Queue.put pickles what it sends
        q.put(f)
    parent, child = Pipe()
    # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:17: warning: a lambda cannot be pickled; Connection.send pickles what it sends
    parent.send(lambda: 1)

    with ProcessPoolExecutor() as ex:
        # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:19: warning: a lambda cannot be pickled; ProcessPoolExecutor.submit pickles its function for the worker
        ex.submit(lambda: 1)
        # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:28: warning: a threading.Lock cannot be pickled; ProcessPoolExecutor.submit pickles the task's arguments
        ex.submit(work, 1, lock)
        # CHECK: mp-unpicklable-task.py:[[@LINE+1]]:16: warning: 'inner' is a function defined inside 'main', which pickle cannot find by name; ProcessPoolExecutor.map pickles its function for the workers
        ex.map(inner, range(3))


if __name__ == "__main__":
    main()
