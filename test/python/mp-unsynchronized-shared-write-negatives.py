# RUN: %check --checks=mp-unsynchronized-shared-write %s 2>&1 | FileCheck %s --allow-empty --implicit-check-not=warning:
# Look-alikes of mp-unsynchronized-shared-write.py: the update is locked, or only one process
# makes it at a time, or each process has its own slot.
import multiprocessing as mp
from multiprocessing import Array, Lock, Pool, Process, RawArray, Value

LOG_LOCK = mp.Lock()


def locked_by_value(total, n):
    with total.get_lock():
        total.value += n


def locked_by_acquire(total, n):
    total.get_lock().acquire()
    try:
        total.value = total.value + n
    finally:
        total.get_lock().release()


def locked_by_itself(total, n):
    with total:  # a synchronized object's own lock
        total.value += n


def locked_by_argument(raw, lock, n):
    with lock:
        raw.value += n


def locked_if_acquired(total, lock):
    if lock.acquire(timeout=5):
        try:
            total.value += 1
        finally:
            lock.release()


def add(total, n):
    total.value += n


def locked_around_helper(total, n):
    with LOCK_FOR_HELPER:
        add(total, n)


LOCK_FOR_HELPER = Lock()


def locked_workers(chunks):
    total = Value("i", 0)
    raw = mp.RawValue("i", 0)
    lock = Lock()
    procs = []
    for c in chunks:
        procs.append(Process(target=locked_by_value, args=(total, c)))
        procs.append(Process(target=locked_by_acquire, args=(total, c)))
        procs.append(Process(target=locked_by_itself, args=(total, c)))
        procs.append(Process(target=locked_by_argument, args=(raw, lock, c)))
        procs.append(Process(target=locked_if_acquired, args=(total, lock)))
        procs.append(Process(target=locked_around_helper, args=(total, c)))
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return total.value


# Only one process writes at a time.
def only_child(result, data):
    result.value += sum(data)


def parent_reads_after_join(data):
    result = Value("d", 0.0)
    p = Process(target=only_child, args=(result, data))
    p.start()
    p.join()
    return result.value


def one_at_a_time(batches):
    result = Value("d", 0.0)
    for b in batches:
        p = Process(target=only_child, args=(result, b))
        p.start()
        p.join()
    return result.value


def two_in_turn(a, b):
    result = Value("d", 0.0)
    first = Process(target=only_child, args=(result, a))
    first.start()
    first.join()
    second = Process(target=only_child, args=(result, b))
    second.start()
    second.join()
    return result.value


def reader(progress):
    print(progress.value)


def only_parent(items):
    progress = Value("i", 0)
    watchers = [Process(target=reader, args=(progress,)) for _ in range(3)]
    for w in watchers:
        w.start()
    for _ in items:
        progress.value += 1  # the children only read it
    for w in watchers:
        w.join()


# Each process has its own slot, or only stores.
def fill_slot(results, slot, data):
    results[slot] += sum(data)
    for i in range(slot * 10, slot * 10 + 10):
        results[i] += 1


def store_only(results, done, slot):
    results[slot] = slot * 2
    done.value = 1


def slots(chunks):
    results = RawArray("l", 100)
    done = Value("b", 0, lock=False)
    procs = [Process(target=fill_slot, args=(results, i, c)) for i, c in enumerate(chunks)]
    procs += [Process(target=store_only, args=(results, done, i)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()


# A pool of one worker runs its tasks one after another.
def init(shared):
    global counter
    counter = shared


def task(x):
    counter.value += x


def single_worker(xs):
    shared = Value("i", 0)
    with Pool(processes=1, initializer=init, initargs=(shared,)) as pool:
        pool.map(task, xs)


# Under spawn a module-level Value is made again in every child: nothing is shared (and the
# children's updates never reach the parent, which is another bug).
hits = Value("i", 0)


def spawned_hit(_):
    hits.value += 1


def spawned(xs):
    with mp.get_context("spawn").Pool() as pool:
        pool.map(spawned_hit, xs)


# A local object that happens to share the name of the global Value.
class Box:
    value = 0


def shadowing(_):
    hits = Box()
    hits.value += 1


def shadowed(xs):
    with Pool() as pool:
        pool.map(shadowing, xs)


# A manager's proxy updated under a manager lock.
def visit(pages, lock):
    with lock:
        pages.value += 1


def visits(n):
    with mp.Manager() as manager:
        pages, lock = manager.Value("i", 0), manager.Lock()
        with Pool() as pool:
            pool.starmap(visit, [(pages, lock)] * n)
            pool.apply(visit, (pages, lock))
