# RUN: not %check --checks=mp-pool-not-joined %s 2>&1 | FileCheck %s --implicit-check-not=warning:
# A helper of the file that makes a Pool and returns it (alone or with its results) hands the pool
# to its caller: the helper is silent, and each call that binds the pool to a name is where the
# caller's responsibility starts, judged like `pool = Pool()` there.
import multiprocessing
from multiprocessing import Pool

WORKERS = 4


def score(args):
    query, shard = args
    return [len(query) * len(doc) for doc in shard]


class ShardedIndex:
    def __init__(self, shards):
        self.shards = shards

    def query_shards(self, query):
        if WORKERS > 1:
            pool = multiprocessing.Pool(WORKERS)
            results = pool.imap(score, [(query, s) for s in self.shards])
        else:
            pool = None
            results = map(score, [(query, s) for s in self.shards])
        return pool, results

    def __getitem__(self, query):
        # The first shard task that raised re-raises here, and the pool is left running.
        # CHECK: mp-pool-not-joined-returned.py:[[@LINE+2]]:27: warning: Pool 'pool' is closed and joined only on some paths: an exception or an early exit before line [[#@LINE+7]] leaves its worker processes running
        # CHECK: mp-pool-not-joined-returned.py:[[@LINE-10]]:20: note: 'query_shards' makes the Pool here and returns it
        pool, per_shard = self.query_shards(query)
        merged = []
        for part in per_shard:
            merged.extend(part)
        if pool:
            pool.terminate()
        return merged

    def best(self, query):
        # Ended in `finally`: silent.
        pool, per_shard = self.query_shards(query)
        try:
            return max(max(part) for part in per_shard)
        finally:
            if pool is not None:
                pool.terminate()

    def lazy(self, query):
        # Handed on with the results: the caller of lazy() owns it.
        pool, per_shard = self.query_shards(query)
        return pool, per_shard


def make_pool(n):
    pool = Pool(n)
    return pool


def lengths(words):
    # CHECK: mp-pool-not-joined-returned.py:[[@LINE+2]]:12: warning: Pool 'pool' is neither used as a context manager nor closed and joined
    # CHECK: mp-pool-not-joined-returned.py:[[@LINE-6]]:12: note: 'make_pool' makes the Pool here and returns it
    pool = make_pool(2)
    return pool.map(len, words)


def lengths_closed(words):
    pool = make_pool(2)
    try:
        return pool.map(len, words)
    finally:
        pool.close()
        pool.join()


def make_closed_pool(n):
    # Ends the pool before returning it: nothing is handed over.
    pool = Pool(n)
    pool.close()
    pool.join()
    return pool


def reuse(words):
    pool = make_closed_pool(1)
    return pool
