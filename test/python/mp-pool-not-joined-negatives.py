# RUN: %check --checks=mp-pool-not-joined %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# Look-alikes of mp-pool-not-joined*.py whose pools end on every path, or belong to someone else.
import atexit
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool


def work(x):
    return x


def waited_inside(data):
    with Pool() as p:
        r = p.apply_async(work, (1,))
        rs = [p.apply_async(work, (d,)) for d in data]
        out = [x.get() for x in rs] + [r.get()]
        for y in p.imap(work, data):  # consumed while the pool lives
            out.append(y)
        total = sum(p.imap_unordered(work, data))
        p.map_async(work, data, callback=out.extend)
        p.close()
        p.join()  # every task, the map_async above included, is done before the exit
    return out, total


def ended_in_finally(data):
    pool = Pool()
    try:
        return pool.map(work, data)
    finally:
        pool.close()
        pool.join()


def made_inside_try(data):
    pool = None
    try:
        pool = mp.get_context("spawn").Pool()
        return pool.map(work, data)
    finally:
        if pool is not None:
            pool.terminate()


def straight_line(data):
    pool = Pool()
    pool.terminate()  # nothing between can raise


def returned():
    pool = Pool()
    return pool  # the caller owns it


class Service:
    def __init__(self):
        self.pool = Pool()  # ended by the object's owner
        spare = Pool()
        self.spare = spare


def registered():
    pool = Pool()
    atexit.register(pool.terminate)
    return pool.map(work, [1])


def managed_later(data):
    pool = Pool()
    with pool:
        return pool.map(work, data)


def executor(data):
    with ProcessPoolExecutor() as ex:
        futures = [ex.submit(work, d) for d in data]  # the exit waits for them
    ex2 = ProcessPoolExecutor()
    try:
        return [f.result() for f in futures], ex2.submit(work, 1).result()
    finally:
        ex2.shutdown()
