# A function the guard calls in a loop (a benchmark): every call makes a Pool that nothing ends,
# and they pile up until the loop is over.
import multiprocessing
import random
import time


def sample(_):
    return random.random() ** 2 + random.random() ** 2 <= 1


def estimate(n):
    # CHECK: timed.py:[[@LINE+1]]:12: warning: Pool 'pool' is neither used as a context manager nor closed and joined
    pool = multiprocessing.Pool()
    return 4.0 * sum(pool.map(sample, range(n))) / n


if __name__ == "__main__":
    for n in (10000, 100000):
        start = time.perf_counter()
        print(estimate(n), time.perf_counter() - start)
