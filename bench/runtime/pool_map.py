"""A real workload: multiprocessing.Pool.map over CPU-bound items (argv[1] items)."""
import multiprocessing as mp
import sys


def work(n):
    total = 0
    for i in range(20000):
        total += (i * n) % 7
    return total


if __name__ == "__main__":
    mp.set_start_method("fork")
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    with mp.Pool(2) as pool:
        print(sum(pool.map(work, range(items))))
