# RUN: not %check --checks=mp-pool-not-joined %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# "Ended only on the normal path" needs something between the pool's creation and its end that
# may raise. Submitting to the pool only enqueues (a pickling error or the task's own exception
# comes back through the result, read after the join); partial(), list.append, time.time(),
# print(), a string helper and making a second executor do not raise either. Library functions
# (not the program's entry path), each next to a look-alike that does run something that raises.
import functools
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool


def _chunk_name(prefix, worker_id):
    return f"{prefix}.part{worker_id}"


def count_words(path, start, end, out):
    return 0


def binarize(path, offsets, prefix, workers):
    pool = Pool(processes=workers - 1)
    pending = [
        pool.apply_async(count_words, args=(path, start, end, _chunk_name(prefix, i)))
        for i, (start, end) in enumerate(zip(offsets, offsets[1:]), start=1)
    ]
    pool.close()
    pool.join()
    return sum(r.get() for r in pending)


def binarize_checked(path, offsets, prefix, workers):
    # CHECK: mp-pool-not-joined-enqueue-only.py:[[@LINE+1]]:12: warning: Pool 'pool' is closed and joined only on some paths: an exception or an early exit before line 40 leaves its worker processes running
    pool = Pool(processes=workers - 1)
    pending = []
    for start, end in zip(offsets, offsets[1:]):
        pending.append(pool.apply_async(count_words, (path, start, end, open(path).name)))
    pool.close()
    # CHECK: mp-pool-not-joined-enqueue-only.py:[[@LINE+1]]:5: note: it is ended here, on the normal path only
    pool.join()
    return sum(r.get() for r in pending)


def fetch(folder, url):
    return url


def download_all(folder, urls, processes=8):
    started = time.time()
    pool = Pool(processes=processes)
    fetch_into = functools.partial(fetch, folder)
    done = pool.imap_unordered(fetch_into, urls)
    print("queued", len(urls), "downloads")
    pool.close()
    pool.join()
    print("took", time.time() - started)
    return list(done)


def download_all_sync(folder, urls, processes=8):
    # CHECK: mp-pool-not-joined-enqueue-only.py:[[@LINE+1]]:12: warning: Pool 'pool' is closed and joined only on some paths
    pool = Pool(processes=processes)
    fetch_into = functools.partial(fetch, folder)
    done = pool.map(fetch_into, urls)  # re-raises a download's exception here
    pool.close()
    # CHECK: mp-pool-not-joined-enqueue-only.py:[[@LINE+1]]:5: note: it is ended here
    pool.join()
    return done


def same_hash_in_two_workers(objects):
    first = ProcessPoolExecutor(max_workers=1)
    second = ProcessPoolExecutor(max_workers=1)
    try:
        for obj in objects:
            assert first.submit(hash, obj).result() == second.submit(hash, obj).result()
    finally:
        first.shutdown()
        second.shutdown()


def same_hash_after_setup(objects, make_objects):
    # CHECK: mp-pool-not-joined-enqueue-only.py:[[@LINE+1]]:13: warning: ProcessPoolExecutor 'first' is shut down only on some paths
    first = ProcessPoolExecutor(max_workers=1)
    copies = make_objects()
    try:
        for obj, copy in zip(objects, copies):
            assert first.submit(hash, obj).result() == first.submit(hash, copy).result()
    finally:
        # CHECK: mp-pool-not-joined-enqueue-only.py:[[@LINE+1]]:9: note: it is ended here
        first.shutdown()
