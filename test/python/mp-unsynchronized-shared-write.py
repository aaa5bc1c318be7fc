# RUN: not %check --checks=mp-unsynchronized-shared-write %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# Shared Values and Arrays updated by several processes at once without a lock.
import multiprocessing as mp
from multiprocessing import Array, Pool, Process, RawValue, Value


def count_words(path, total):
    with open(path) as f:
        for line in f:
            # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+3]]:13: warning: read-modify-write of the shared Value 'total' outside its lock, in code run by several processes: two processes can read the same old value and one update is lost; do it under 'with total.get_lock():' [mp-unsynchronized-shared-write]
            # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+22]]:13: note: 'count_words' runs in every Process made in this loop, at the same time
            # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+18]]:13: note: the Value is made here
            total.value += len(line.split())


def bump(counter):
    # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+4]]:5: warning: read-modify-write of the shared Value 'counter' outside its lock
    # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+25]]:14: note: 'crawl' runs in every Process made in this loop, at the same time
    # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+7]]:9: note: 'bump' is called here
    # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+22]]:12: note: the Value is made here
    counter.value = counter.value + 1


def crawl(urls, seen):
    for _ in urls:
        bump(seen)


def word_counts(paths):
    total = Value("i", 0)
    workers = []
    for path in paths:
        p = Process(target=count_words, args=(path, total))
        p.start()
        workers.append(p)
    for p in workers:
        p.join()
    return total.value


def crawl_all(batches):
    seen = mp.get_context("spawn").Value("l", 0)
    procs = [mp.Process(target=crawl, args=(b, seen)) for b in batches]
    for p in procs:
        p.start()
    for p in procs:
        p.join()


# Pool workers see a Value through the initializer, the documented way.
def init_worker(shared_hist):
    global hist
    hist = shared_hist


def tally(sample):
    for bucket in range(len(hist)):
        if sample < bucket * 10:
            # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+3]]:13: warning: read-modify-write of the shared Array 'hist' outside its lock
            # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+9]]:9: note: 'tally' runs as a task in the pool's worker processes, several at once
            # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+6]]:19: note: the Array is made here
            hist[bucket] += 1
            break


def histogram(samples):
    shared_hist = Array("i", 10)
    with Pool(4, initializer=init_worker, initargs=(shared_hist,)) as pool:
        pool.map(tally, samples)
    return list(shared_hist)


# No lock at all: RawValue, and lock=False.
def add_raw(acc, n):
    # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+1]]:5: warning: read-modify-write of the RawValue 'acc' in code run by several processes, with no lock held: two processes can read the same old value and one update is lost; use a Value with its lock, or hold a multiprocessing.Lock around it [mp-unsynchronized-shared-write]
    acc.value += n


def add_unlocked(acc, n):
    # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+1]]:5: warning: read-modify-write of the Array 'acc', made with lock=False, in code run by several processes, with no lock held: two processes can read the same old value and one update is lost; use a synchronized Array with its lock
    acc[0] += n


def sums(chunks):
    raw = RawValue("d", 0.0)
    unlocked = Array("d", 1, lock=False)
    for c in chunks:
        Process(target=add_raw, args=(raw, c)).start()
        Process(target=add_unlocked, args=(unlocked, c)).start()


# Two different targets writing the same Value at the same time.
def produce(stats):
    # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+2]]:5: warning: read-modify-write of the shared Value 'stats' outside its lock
    # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+13]]:9: note: another Process, running 'consume', writes it too; it is made here
    stats.value += 1


def consume(stats):
    # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+2]]:5: warning: read-modify-write of the shared Value 'stats' outside its lock
    # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+6]]:9: note: another Process, running 'produce', writes it too; it is made here
    stats.value -= 1


def pipeline():
    stats = Value("i", 0)
    a = Process(target=produce, args=(stats,))
    b = Process(target=consume, args=(stats,))
    a.start()
    b.start()
    a.join()
    b.join()


# A manager's Value proxy: `+=` is a get and a set, two calls to the manager.
def visit(pages):
    # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+1]]:5: warning: read-modify-write of the manager's Value proxy 'pages' in code run by several processes: it reads and then writes with two calls to the manager, and an update another process makes in between is lost; hold a lock (manager.Lock() or multiprocessing.Lock()) around it
    pages.value += 1


def visits(n):
    with mp.Manager() as manager:
        pages = manager.Value("i", 0)
        with Pool() as pool:
            for _ in pool.imap_unordered(visit, range(n)):
                pass
            pool.apply_async(visit, (pages,)).get()


# A threading.Lock inherited by forked children is a separate lock in each of them.
import threading

tally_lock = threading.Lock()
done = Value("i", 0)


def finish(job):
    with tally_lock:
        # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+3]]:9: warning: read-modify-write of the shared Value 'done' outside its lock
        # CHECK: mp-unsynchronized-shared-write.py:[[@LINE+7]]:9: note: 'finish' runs as a task in the pool's worker processes, several at once
        # CHECK: mp-unsynchronized-shared-write.py:[[@LINE-3]]:10: note: 'tally_lock' is a threading.Lock: it excludes other threads of one process, not other processes
        done.value += 1


def finish_all(jobs):
    with mp.get_context("fork").Pool() as pool:
        pool.map(finish, jobs)
