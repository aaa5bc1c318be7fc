# RUN: %check --checks=-mp-pool-not-joined %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# Look-alikes of mp-unpicklable-task.py that pickle fine, or pickle nothing.
import functools
import multiprocessing as mp
import queue
import socket
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import Pool


def work(x, y=0):
    return x + y


def init(lock):
    global shared_lock
    shared_lock = lock


class Counter:
    """Its lock stays behind: __getstate__ drops it, __setstate__ makes a new one."""

    def __init__(self):
        self.total = 0
        self.lock = threading.Lock()

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["lock"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.lock = threading.Lock()

    def add(self, x):
        return x


class Plain:
    def __init__(self):
        self.items = [1, 2]

    def add(self, x):
        return x


def main():
    fork = mp.get_context("fork")
    lock = mp.Lock()
    # A Pool's initargs reach the workers by inheritance: the place for a multiprocessing.Lock.
    with Pool(2, initializer=init, initargs=(lock,)) as pool:
        pool.map(functools.partial(work, y=1), range(3))  # partial of a module-level function
        pool.map(work, (x for x in range(3)))  # the generator is iterated here, not pickled
        pool.map(Counter().add, range(3))
        pool.map(Plain().add, range(3))
        pool.apply_async(work, (1,), callback=lambda r: print(r))  # callbacks run here
        pool.starmap(work, [(i, i) for i in range(3)])
    # Under fork the child inherits its target: nothing is pickled.
    p = fork.Process(target=lambda: work(1), args=())
    p.start()
    with fork.Pool(2, initializer=lambda: None) as fpool:
        fpool.map(work, [1])
    # Threads and thread queues pickle nothing.
    with ThreadPoolExecutor() as tex:
        tex.submit(lambda: 1)
    tq = queue.Queue()
    tq.put(lambda: 1)
    # multiprocessing pickles sockets itself (it sends their descriptors).
    s = socket.socket()
    mq = mp.Queue()
    mq.put(s)
    # A manager's proxies pickle.
    with mp.Manager() as manager:
        shared = manager.Lock()
        with ProcessPoolExecutor() as ex:
            ex.submit(work, shared)


if __name__ == "__main__":
    main()
