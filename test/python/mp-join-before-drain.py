# RUN: not %check %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# The parent joins a child that is still writing into a queue or a pipe only the parent reads.
import multiprocessing as mp
from multiprocessing import Pipe, Process, SimpleQueue


def produce(q, n):
    for i in range(n):
        q.put(i)


def compute(conn):
    conn.send(list(range(100000)))


def emit(q, item):
    q.put(item)


def batched(q, batches):
    for b in batches:
        emit(q, b)


def one_big(q):
    q.put(b"x" * (1 << 20))


def queue_in_loop():
    q = mp.Queue()
    p = Process(target=produce, args=(q, 100000))
    p.start()
    # CHECK: mp-join-before-drain.py:[[@LINE+3]]:5: warning: Process joined before the Queue it fills is drained: a child that put data on a Queue does not exit until the data is flushed into the pipe, which waits for the parent to read, and a payload larger than the pipe buffer (64 KiB) deadlocks both [mp-join-before-drain]
    # CHECK: mp-join-before-drain.py:9:9: note: the child writes in a loop here
    # CHECK: mp-join-before-drain.py:[[@LINE-5]]:9: note: the Queue is made here
    p.join()
    return [q.get() for _ in range(100000)]


def pipe_by_keyword():
    parent_end, child_end = Pipe()
    ctx = mp.get_context("spawn")
    p = ctx.Process(target=compute, kwargs={"conn": child_end})
    p.start()
    # CHECK: mp-join-before-drain.py:[[@LINE+2]]:5: warning: Process joined before the pipe it fills is drained: the child blocks in send() once the pipe is full
    # CHECK: mp-join-before-drain.py:13:5: note: the child writes something of unknown size here
    p.join()
    return parent_end.recv()


def through_helper(batches):
    q = mp.JoinableQueue()
    p = Process(target=batched, args=(q, batches))
    p.start()
    # CHECK: mp-join-before-drain.py:[[@LINE+2]]:5: warning: Process joined before the JoinableQueue it fills is drained
    # CHECK: mp-join-before-drain.py:22:9: note: the child calls 'emit' in a loop, which writes here
    p.join(None)
    return q.get()


def simple_queue():
    q = SimpleQueue()
    p = Process(target=one_big, args=(q,))
    p.start()
    # CHECK: mp-join-before-drain.py:[[@LINE+1]]:5: warning: Process joined before the SimpleQueue it fills is drained: SimpleQueue.put writes into the pipe itself, so the child blocks in put() until the parent reads
    p.join()
    return q.get()
