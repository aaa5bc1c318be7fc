import multiprocessing

_POOL = None


def make_pool(n):
    pool = multiprocessing.Pool(n)
    return pool


def shared_pool():
    # The module's one pool, made once and handed to every caller: not the caller's to end.
    global _POOL
    if _POOL is None:
        _POOL = multiprocessing.Pool(4)
    return _POOL


def ended_pool(n):
    pool = multiprocessing.Pool(n)
    pool.close()
    pool.join()
    return pool
