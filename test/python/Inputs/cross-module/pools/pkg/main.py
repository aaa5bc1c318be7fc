from .util import ended_pool, make_pool, shared_pool


def square(x):
    return x * x


def leaks(items):
    pool = make_pool(4)
    return pool.map(square, items)


def joins(items):
    pool = make_pool(4)
    try:
        return pool.map(square, items)
    finally:
        pool.close()
        pool.join()


def shares(items):
    pool = shared_pool()
    return pool.map(square, items)


def ended(items):
    pool = ended_pool(4)
    return len(items)
