# RUN: %check --checks=-mp-fork-with-threads %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# Look-alikes of mp-join-before-drain.py that cannot deadlock, or that the joining code drains.
# (drained_by_thread forks with its reader thread running: mp-fork-with-threads, tested elsewhere.)
import threading
from multiprocessing import Manager, Pipe, Process, Queue, SimpleQueue


def produce(q, n):
    for i in range(n):
        q.put(i)


def done(q):
    q.put(None)  # one small item always fits in the pipe
    q.put(("ok", 0))


def abandon(q, n):
    q.cancel_join_thread()  # the child may exit with data unflushed: no wait at exit
    for i in range(n):
        q.put(i)


def drained_first():
    q = Queue()
    p = Process(target=produce, args=(q, 1000))
    p.start()
    items = [q.get() for _ in range(1000)]
    p.join()
    return items


def timed():
    q = Queue()
    p = Process(target=produce, args=(q, 1000))
    p.start()
    p.join(5)  # comes back, then drains
    return q.get()


def small():
    q = SimpleQueue()
    p = Process(target=done, args=(q,))
    p.start()
    p.join()
    return q.get()


def cancelled():
    q = Queue()
    p = Process(target=abandon, args=(q, 1000))
    p.start()
    p.join()


def drained_by_thread():
    q = Queue()
    items = []
    reader = threading.Thread(target=lambda: items.extend(iter(q.get, None)), args=())
    reader.start()
    p = Process(target=produce, args=(q, 1000))
    p.start()
    p.join()


def drained_in_loop(n):
    a, b = Pipe()
    p = Process(target=produce, args=(b, n))
    p.start()
    while p.is_alive():
        if a.poll(0.1):
            a.recv()
    p.join()


def managed():
    with Manager() as m:
        q = m.Queue()  # a manager's queue lives in the manager process: no pipe to fill
        p = Process(target=produce, args=(q, 1000))
        p.start()
        p.join()
        return q.get()
