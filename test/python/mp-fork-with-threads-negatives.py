# RUN: %check --checks=mp-fork-with-threads %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# Look-alikes of mp-fork-with-threads.py: the threads are joined first, start after the
# processes, or the processes do not fork.
import multiprocessing as mp
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool, Process


def work(x):
    return x


def joined_first(items):
    t = threading.Thread(target=work, args=(items,))
    t.start()
    t.join()
    p = Process(target=work, args=(items,))
    p.start()
    p.join()


def list_joined_first(n):
    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with Pool() as pool:
        pool.map(work, range(n))


def executor_done_first(urls, items):
    with ThreadPoolExecutor() as ex:
        pages = list(ex.map(work, urls))
    with Pool() as pool:  # the executor's threads have been joined by its exit
        return pool.map(work, pages + items)


def executor_shut_down(urls):
    ex = ThreadPoolExecutor()
    futures = [ex.submit(work, u) for u in urls]
    ex.shutdown()
    Process(target=work, args=(futures,)).start()


def processes_first(n):
    procs = [Process(target=work, args=(i,)) for i in range(n)]
    for p in procs:
        p.start()
    logger = threading.Thread(target=work, args=(0,), daemon=True)
    logger.start()
    for p in procs:
        p.join()


def spawned(items):
    beat = threading.Thread(target=work, args=(0,), daemon=True)
    beat.start()
    ctx = mp.get_context("spawn")
    ctx.Process(target=work, args=(items,)).start()
    with ctx.Pool() as pool:
        pool.map(work, items)


def forkserver_executor(items):
    from concurrent.futures import ProcessPoolExecutor
    threading.Thread(target=work, args=(0,)).start()
    with ProcessPoolExecutor(mp_context=mp.get_context("forkserver")) as ex:
        ex.submit(work, items)


def either(items, use_threads):
    if use_threads:
        threading.Thread(target=work, args=(items,)).start()
    else:
        Process(target=work, args=(items,)).start()


def thread_pool_only(items):
    from multiprocessing.pool import ThreadPool
    threading.Thread(target=work, args=(0,)).start()
    with ThreadPool() as pool:  # threads, not processes
        pool.map(work, items)
