# RUN: not %check --checks=mp-fork-with-threads %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# Processes forked while a thread of the parent is still running.
import logging
import multiprocessing as mp
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool, Process


def heartbeat():
    while True:
        logging.info("alive")
        time.sleep(1)


def work(x):
    return x * x


def monitored_run(items):
    beat = threading.Thread(target=heartbeat, daemon=True)
    beat.start()
    p = mp.get_context("fork").Process(target=work, args=(items,))
    # CHECK: mp-fork-with-threads.py:[[@LINE+3]]:5: warning: A Process is started under the 'fork' start method while a thread started before it is still running: the child is a copy of the parent with only the forking thread, and a lock another thread held at that moment (logging's, stdio's, a C library's) stays locked forever in it; start the processes before the threads, join the threads first, or use the 'spawn' or 'forkserver' start method [mp-fork-with-threads]
    # CHECK: mp-fork-with-threads.py:[[@LINE-3]]:5: note: the thread is started here and not joined before
    # CHECK: mp-fork-with-threads.py:[[@LINE-3]]:9: note: the 'fork' start method is chosen here
    p.start()
    p.join()


def prefetch_then_pool(urls, items):
    with ThreadPoolExecutor(4) as downloads:
        pending = [downloads.submit(work, u) for u in urls]
        # CHECK: mp-fork-with-threads.py:[[@LINE+1]]:14: warning: A Process is started under the 'fork' start method (the default on Linux before Python 3.14) while a thread started before it is still running
        with Pool() as pool:
            results = pool.map(work, items)
    return pending, results


class Watcher(threading.Thread):
    def run(self):
        heartbeat()


def start_workers(n):
    procs = [Process(target=work, args=(i,)) for i in range(n)]
    for p in procs:
        p.start()
    return procs


def watched(n):
    Watcher(daemon=True).start()
    # CHECK: mp-fork-with-threads.py:[[@LINE+2]]:12: warning: 'start_workers' starts a Process under the 'fork' start method (the default on Linux before Python 3.14) while a thread started before it is still running
    # CHECK: mp-fork-with-threads.py:[[@LINE-7]]:9: note: the Process is started here
    return start_workers(n)


def threads_in_a_list(n):
    threads = []
    for i in range(n):
        t = threading.Thread(target=work, args=(i,))
        t.start()
        threads.append(t)
    # CHECK: mp-fork-with-threads.py:[[@LINE+1]]:5: warning: A Process is started under the 'fork' start method (the default on Linux before Python 3.14)
    Process(target=work, args=(0,)).start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    timer = threading.Timer(60, heartbeat)
    timer.start()
    # CHECK: mp-fork-with-threads.py:[[@LINE+1]]:5: warning: 'monitored_run' starts a Process under the 'fork' start method while
    monitored_run([1, 2])
